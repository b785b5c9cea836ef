/** Every page route (full paths), gathered for `app.ts`. */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../_env.ts";
import { browseRoutes } from "./browse_page.tsx";
import { newCompetitionRoutes } from "./new_competition_page.tsx";
import { competitionPageRoutes } from "./competition_page.tsx";
import { manageRoutes } from "./manage_page.tsx";
import { fundingRoutes } from "./funding_page.tsx";
import { dashboardRoutes } from "./dashboard_page.tsx";
import { myCompetitionsRoutes } from "./my_competitions_page.tsx";
import { signinRoutes } from "./signin_page.tsx";
import { experienceRoutes } from "./experience_page.tsx";
import { shopifyPageRoutes } from "./shopify_pages.tsx";
import { storesRoutes } from "./stores_page.tsx";
import { seasonPageRoutes } from "./season_pages.tsx";

/** The page routes; mount with `app.route("/", pageRoutes(deps))`. */
export function pageRoutes(deps: AppDeps): Hono<AppEnv> {
  const pages = new Hono<AppEnv>();
  for (
    const routes of [
      browseRoutes,
      newCompetitionRoutes,
      competitionPageRoutes,
      manageRoutes,
      fundingRoutes,
      dashboardRoutes,
      myCompetitionsRoutes,
      signinRoutes,
      experienceRoutes,
      shopifyPageRoutes,
      storesRoutes,
      seasonPageRoutes,
    ]
  ) {
    pages.route("/", routes(deps));
  }
  return pages;
}
