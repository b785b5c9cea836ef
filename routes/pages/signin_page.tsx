/**
 * `GET /signin`: what signing in does and a button to Whop's sign-in; and the
 * prompt shown in place of a page that needs a signed-in user.
 */
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppDeps, AppEnv } from "../_env.ts";
import { renderAppPage } from "./_shell.tsx";
import { SignInPrompt } from "../../components/signin_prompt.tsx";
import { safeReturnPath } from "../../lib/web/return_path.ts";
import { QUERY_TEXT, validQuery } from "../../lib/web/validate.ts";

/** Routes: `GET /signin` (`?returnTo=/path` comes back there after sign-in). */
export function signinRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/signin", validQuery(z.object({ returnTo: QUERY_TEXT })), (c) => {
    const { returnTo } = c.req.valid("query");
    return renderAppPage(c, deps, {
      title: "Sign in",
      body: <SignInPrompt returnTo={returnTo === undefined ? undefined : safeReturnPath(returnTo)} />,
    });
  });
}
