/**
 * The merchant's side of the simulated Shopify's pages: a browser that
 * follows the admin's redirects, logs in on the login origin when sent there
 * (`merchant_login.ts`), and presses Approve on the install page
 * (`pages.ts`, `authorizePage`). The demo world's store owners and the tests
 * go through this one reader of those pages, so it changes with them in one
 * place.
 */

/** A desktop Chrome User-Agent: `@shopify/shopify-api` treats Deno's default as a bot (its OAuth answers 410). */
export const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/** The install page could not be read or approved; the message says what the browser saw. */
export class InstallPageError extends Error {
  override name = "InstallPageError";
}

/** Undoes `escapeHtml` of `pages.ts` (`&amp;` last, as it was escaped first). */
function unescapeHtml(text: string): string {
  return text.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** How many redirects one step may follow on Shopify's origins. */
const MAX_REDIRECTS = 10;

/**
 * A merchant's browser on the simulated Shopify: keeps each host's cookies
 * (the admin's session), follows redirects while they stay on Shopify's
 * origins, and logs in when the admin sends it to the login page.
 */
export class MerchantBrowser {
  #cookies = new Map<string, Map<string, string>>();
  /** The email the login form is sent with when it has none filled in. */
  constructor(private email = "merchant@example.com") {}

  async #fetch(url: URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("User-Agent", BROWSER_UA);
    const jar = this.#cookies.get(url.host);
    if (jar?.size) headers.set("Cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const at = pair.indexOf("=");
      const jarOf = this.#cookies.get(url.host) ?? new Map<string, string>();
      jarOf.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
      this.#cookies.set(url.host, jarOf);
    }
    return response;
  }

  /**
   * Opens `url` and follows redirects (logging in on the way) until a page
   * answers, or a redirect leaves Shopify for `leavesFor` (an origin, e.g.
   * the app's): returns that page's HTML, or the address it was sent on to.
   */
  async open(
    url: string | URL,
    leavesFor: string,
    init: RequestInit = {},
  ): Promise<{ html: string } | { location: string }> {
    let target = new URL(url);
    let request = init;
    for (let hops = 0; hops < MAX_REDIRECTS; hops++) {
      const response = await this.#fetch(target, request);
      const location = response.headers.get("Location");
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        const next = new URL(location, target);
        if (next.origin === leavesFor) return { location: next.href };
        target = next;
        request = {};
        continue;
      }
      const html = await response.text();
      if (response.status !== 200) {
        throw new InstallPageError(`${target.href} answered HTTP ${response.status}: ${html.slice(0, 200)}`);
      }
      const login = /<form method="post" action="\/login">([\s\S]*?)<\/form>/.exec(html);
      if (!login) return { html };
      const form = hiddenFields(login[1]);
      form.set("email", unescapeHtml(/name="email" value="([^"]*)"/.exec(login[1])?.[1] ?? "") || this.email);
      target = new URL("/login", target);
      request = { method: "POST", body: form };
    }
    throw new InstallPageError(`Too many redirects from ${url}.`);
  }
}

function hiddenFields(html: string): URLSearchParams {
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(unescapeHtml(name), unescapeHtml(value));
  }
  return form;
}

/**
 * Opens the install page at `authorizeUrl` as the merchant's browser
 * (logging in first when the admin asks) and presses Approve: posts the
 * page's form (its hidden fields and the button's `decision=approve`).
 * Returns the URL Shopify redirects the browser to, the app's OAuth callback
 * with `code`, `hmac`, `state`…; throws `InstallPageError` when the page has
 * no Approve form or the approval is not a redirect to the app.
 *
 * @example
 * const callbackUrl = await approveInstall(authorizeUrl);
 */
export async function approveInstall(
  authorizeUrl: string | URL,
  browser = new MerchantBrowser(),
): Promise<string> {
  const appOrigin = new URL(new URL(authorizeUrl).searchParams.get("redirect_uri") ?? "http://invalid").origin;
  const page = await browser.open(authorizeUrl, appOrigin);
  if ("location" in page) return page.location;
  const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1];
  if (!action || !page.html.includes('value="approve"')) {
    throw new InstallPageError(`The install page at ${authorizeUrl} has no Approve form.`);
  }
  const form = hiddenFields(page.html);
  form.set("decision", "approve");
  const approved = await browser.open(new URL(unescapeHtml(action), authorizeUrl), appOrigin, {
    method: "POST",
    body: form,
  });
  if (!("location" in approved)) {
    throw new InstallPageError(`Approving the install at ${authorizeUrl} did not send the browser back to the app.`);
  }
  return approved.location;
}

/**
 * Opens the app from the store's admin (the launcher a merchant clicks when
 * installing from the admin or the App Store), logging in on the way: the
 * App URL with Shopify's signed query (`shop`, `host`, `timestamp`, `hmac`).
 *
 * @example
 * const appUrl = await launchApp(shopify.appLauncherUrl("demo.myshopify.com"), appOrigin);
 */
export async function launchApp(
  launcherUrl: string,
  appOrigin: string,
  browser = new MerchantBrowser(),
): Promise<string> {
  const opened = await browser.open(launcherUrl, appOrigin);
  if (!("location" in opened)) throw new InstallPageError(`${launcherUrl} did not send the browser to the app.`);
  return opened.location;
}
