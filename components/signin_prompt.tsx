/** The "sign in with Whop" card: the sign-in page and every page that needs a signed-in user show it. */

/**
 * The sign-in explanation and button, linking to `GET /login` with the page
 * to come back to.
 */
export function SignInPrompt(props: { reason?: string; returnTo?: string }) {
  const login = props.returnTo ? `/login?${new URLSearchParams({ returnTo: props.returnTo })}` : "/login";
  return (
    <section class="card signin">
      <h1>Sign in with Whop</h1>
      {props.reason && <p class="notice notice-info">{props.reason}</p>}
      <p>
        CartBrawl uses your Whop account: creators fund prizes through Whop, and winners are paid out to it. Signing in
        shares your Whop name and id with CartBrawl, nothing else.
      </p>
      <a class="button" href={login}>Continue with Whop</a>
    </section>
  );
}
