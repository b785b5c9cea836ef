/**
 * `GET /signin`: what signing in does and a button to Whop's sign-in; and the
 * prompt shown in place of a page that needs a signed-in user.
 */
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../../lib/app.ts";
import { renderAppPage } from "./shell.tsx";
import { safeReturnPath } from "./return_path.ts";

/**
 * The sign-in explanation and button, linking to `GET /login` with the page
 * to come back to.
 */
export function SignInPrompt(props: { reason?: string; returnTo?: string }) {
  const login = props.returnTo ? `/login?${new URLSearchParams({ returnTo: props.returnTo })}` : "/login";
  return (
    <section class="card signin">
      <h1>Sign in with Whop</h1>
      {props.reason && <p class="notice">{props.reason}</p>}
      <p>
        CartBrawl uses your Whop account: creators fund prizes through Whop, and winners are paid out to it. Signing in
        shares your Whop name and id with CartBrawl, nothing else.
      </p>
      <a class="button" href={login}>Continue with Whop</a>
    </section>
  );
}

/** Routes: `GET /signin` (`?returnTo=/path` comes back there after sign-in). */
export function signinPage(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().get("/signin", (c) => {
    const returnTo = c.req.query("returnTo");
    return renderAppPage(c, deps, {
      title: "Sign in",
      body: <SignInPrompt returnTo={returnTo === undefined ? undefined : safeReturnPath(returnTo)} />,
    });
  });
}
