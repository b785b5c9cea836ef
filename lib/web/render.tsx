/**
 * The page shell: renders a page body to a full HTML document and adds the
 * island boot script only when the body rendered an island.
 */
import type { ComponentChildren, JSX } from "preact";
import { useContext } from "preact/hooks";
import { renderToString, renderToStringAsync } from "preact-render-to-string";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { currentIslandManifest, islandAssets } from "./island_manifest.ts";
import { type IslandScope, IslandScopeContext } from "./islands.ts";
import type {} from "./middleware/csp.ts";
import { readTimeZone, type ViewerClock, ViewerClockContext } from "./viewer_clock.ts";
import { TIME_ZONE_COOKIE } from "./island_boot.ts";

/** One page to render. */
export interface PageOptions {
  /** Page title; the document title is `"<title> · CartBrawl"`. */
  title: string;
  /** The page content, rendered inside `<main>`; may contain islands and suspend. */
  body: ComponentChildren;
  /** HTTP status, default 200. */
  status?: ContentfulStatusCode;
  /** Show the sandbox banner (simulated Whop and Shopify). */
  sandbox?: boolean;
  /** Links for the header's navigation. */
  nav?: ComponentChildren;
  /** Where the brand links (default `/`); `null`: nowhere (inside Whop's frame, outside a community). */
  home?: string | null;
  /** Extra `<head>` elements, e.g. Open Graph `<meta>` tags. */
  head?: ComponentChildren;
  /** The instant the page is rendered at (the app's clock); default the system's. */
  now?: number;
}

/**
 * The reader's clock for a page: the zone their browser put in its cookie on
 * an earlier visit (when it names a real zone), and now.
 */
export function viewerClock(c: Context, now = Date.now()): ViewerClock {
  const timeZone = readTimeZone(getCookie(c, TIME_ZONE_COOKIE));
  return timeZone ? { timeZone, now } : { now };
}

/**
 * Renders `options.body` as a full HTML response. Concurrency-safe: each call
 * collects its islands in its own scope.
 * @example
 * app.get("/", (c) =>
 *   renderPage(c, { title: "Browse", body: <CompetitionList items={items} />, sandbox: config.sandbox }));
 */
export async function renderPage(
  c: Context,
  options: PageOptions,
): Promise<Response> {
  const scope: IslandScope = new Set();
  const body = await renderBody(
    c,
    <>
      <a class="skip-link" href="#main">Skip to content</a>
      {options.sandbox && (
        <div class="banner-sandbox" role="status">
          Sandbox mode: Whop and Shopify are simulated, no real money moves.
        </div>
      )}
      <header class="site-header">
        {options.home === null
          ? (
            <span class="brand">
              <img class="brand-logo" src="/static/favicon.svg" alt="" width="28" height="28" />CartBrawl
            </span>
          )
          : (
            <a class="brand" href={options.home ?? "/"}>
              <img class="brand-logo" src="/static/favicon.svg" alt="" width="28" height="28" />CartBrawl
            </a>
          )}
        {options.nav && <nav aria-label="Main">{options.nav}</nav>}
      </header>
      <main id="main">{options.body}</main>
    </>,
    scope,
    options.now,
  );
  const head = renderToString(
    <PageHead title={options.title} islands={scope} nonce={c.get("cspNonce")}>{options.head}</PageHead>,
  );
  return c.html(
    `<!doctype html><html lang="en">${head}<body>${body}</body></html>`,
    options.status ?? 200,
  );
}

/** HTML rendered on its own, ahead of the page or fragment it goes into, and the islands in it. */
export interface RenderedMarkup {
  html: string;
  islands: readonly string[];
}

/**
 * Renders `body` alone, in the reader's clock: HTML to reuse (one rendering
 * of a page's regions answers many readers) or to put into a page already
 * open (a live page's regions, whose islands the open page's boot script
 * hydrates). Put it into a page with {@link Markup}.
 * @example const regions = await renderMarkup(c, <Regions view={view} />, view.now);
 */
export async function renderMarkup(c: Context, body: ComponentChildren, now?: number): Promise<RenderedMarkup> {
  const scope: IslandScope = new Set();
  const html = await renderBody(c, body, scope, now);
  return { html, islands: [...scope] };
}

/**
 * `markup` inside a `<div>` with `attributes`; its islands count as the
 * page's (their scripts are loaded).
 * @example <Markup markup={regions} data-live-region="competition" />
 */
export function Markup(
  { markup, ...attributes }: { markup: RenderedMarkup } & Omit<JSX.HTMLAttributes<HTMLDivElement>, "markup">,
) {
  const scope = useContext(IslandScopeContext);
  for (const name of markup.islands) scope?.add(name);
  return <div {...attributes} dangerouslySetInnerHTML={{ __html: markup.html }} />;
}

/** Renders `body` in the reader's clock (`viewerClock`), collecting the islands it uses into `scope`. */
async function renderBody(c: Context, body: ComponentChildren, scope: IslandScope, now?: number): Promise<string> {
  return await renderToStringAsync(
    <IslandScopeContext.Provider value={scope}>
      <ViewerClockContext.Provider value={viewerClock(c, now)}>{body}</ViewerClockContext.Provider>
    </IslandScopeContext.Provider>,
  );
}

/** One page made to be framed by other sites: no header, navigation or banner, its own small stylesheet. */
export interface FramedPageOptions {
  title: string;
  /** The instant the page is rendered at (the app's clock); default the system's. */
  now?: number;
  body: ComponentChildren;
  /** The stylesheet under `/static/`, e.g. `/static/embed.css`. */
  stylesheet: string;
  /** `light` or `dark` forces the colour scheme; otherwise the reader's `prefers-color-scheme` decides. */
  theme?: "light" | "dark";
}

/**
 * Renders a page meant for an iframe on any site: the body and the islands it
 * uses, nothing of the app's shell.
 * @example return renderFramedPage(c, { title, body: <Board … />, stylesheet: "/static/embed.css" });
 */
export async function renderFramedPage(c: Context, options: FramedPageOptions): Promise<Response> {
  const scope: IslandScope = new Set();
  const body = await renderBody(c, options.body, scope, options.now);
  const head = renderToString(
    <PageHead title={options.title} islands={scope} nonce={c.get("cspNonce")} stylesheet={options.stylesheet} />,
  );
  const theme = options.theme ? ` data-theme="${options.theme}"` : "";
  return c.html(`<!doctype html><html lang="en"${theme}>${head}<body>${body}</body></html>`);
}

function PageHead(
  props: { title: string; islands: IslandScope; nonce?: string; stylesheet?: string; children?: ComponentChildren },
) {
  const assets = props.islands.size > 0 ? islandAssets(currentIslandManifest(), props.islands) : undefined;
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${props.title} · CartBrawl`}</title>
      <link rel="stylesheet" href={props.stylesheet ?? "/static/styles.css"} />
      <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
      {props.children}
      {assets?.preload.map((href) => <link key={href} rel="modulepreload" href={href} nonce={props.nonce} />)}
      {assets && <script type="module" src={assets.boot} nonce={props.nonce} />}
    </head>
  );
}
