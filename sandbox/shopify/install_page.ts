/**
 * The merchant's side of the simulated install page (`pages.ts`,
 * `authorizePage`): a browser opening Shopify's authorize URL and pressing
 * Approve. The demo world's store owners and the tests join stores through
 * this one reader of the page, so it changes with the page in one place.
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

/**
 * Opens the install page at `authorizeUrl` as the merchant's browser and
 * presses Approve: posts the page's form (its hidden fields and the button's
 * `decision=approve`). Returns the URL Shopify redirects the browser to, the
 * app's OAuth callback with `code`, `hmac`, `state`…; throws
 * `InstallPageError` when the page has no Approve form or the approval is
 * not a redirect.
 *
 * @example
 * const callbackUrl = await approveInstall(authorizeUrl);
 */
export async function approveInstall(authorizeUrl: string | URL): Promise<string> {
  const page = await fetch(authorizeUrl, { headers: { "User-Agent": BROWSER_UA } });
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || !action || !html.includes('value="approve"')) {
    throw new InstallPageError(`The install page at ${authorizeUrl} has no Approve form (HTTP ${page.status}).`);
  }
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(unescapeHtml(name), unescapeHtml(value));
  }
  form.set("decision", "approve");
  const approved = await fetch(new URL(unescapeHtml(action), authorizeUrl), {
    method: "POST",
    body: form,
    redirect: "manual",
    headers: { "User-Agent": BROWSER_UA },
  });
  await approved.body?.cancel();
  const location = approved.headers.get("Location");
  if (approved.status !== 302 || !location) {
    throw new InstallPageError(
      `Approving the install at ${authorizeUrl} answered HTTP ${approved.status}, not a redirect.`,
    );
  }
  return location;
}
