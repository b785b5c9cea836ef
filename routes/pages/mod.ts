/** Every page route, mounted at `/`. */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../_env.ts";
import { browsePage } from "./browse_page.tsx";
import { newCompetitionPage } from "./new_competition_page.tsx";
import { competitionPage } from "./competition_page.tsx";
import { managePage } from "./manage_page.tsx";
import { dashboardPage } from "./dashboard_page.tsx";
import { myCompetitionsPage } from "./my_competitions_page.tsx";
import { signinPage } from "./signin_page.tsx";

/** The page routes; mount with `app.route("/", pageRoutes(deps))`. */
export function pageRoutes(deps: AppDeps): Hono<AppEnv> {
  const pages = new Hono<AppEnv>();
  for (
    const routes of [
      browsePage,
      newCompetitionPage,
      competitionPage,
      managePage,
      dashboardPage,
      myCompetitionsPage,
      signinPage,
    ]
  ) {
    pages.route("/", routes(deps));
  }
  return pages;
}
