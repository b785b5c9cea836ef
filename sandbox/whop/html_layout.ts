/** The shared look of the sandbox's pages: one small document with inline CSS. */
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

const STYLE = `
:root { color-scheme: light dark; --accent: #ff6243; --muted: #8a8f98; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; background: Canvas; color: CanvasText; }
header { background: var(--accent); color: #fff; padding: .6rem 1.2rem; font-weight: 600; }
header small { font-weight: 400; opacity: .85; margin-left: .5rem; }
main { max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
.card { border: 1px solid color-mix(in srgb, CanvasText 15%, transparent); border-radius: 12px; padding: 1.2rem 1.4rem; margin-bottom: 1.2rem; }
.amount { font-size: 2.2rem; font-weight: 700; margin: .2rem 0 1rem; }
.muted { color: var(--muted); }
label.choice { display: flex; gap: .6rem; align-items: center; padding: .5rem .6rem; border-radius: 8px; cursor: pointer; }
label.choice:hover { background: color-mix(in srgb, var(--accent) 12%, transparent); }
button { background: var(--accent); color: #fff; border: 0; border-radius: 8px; padding: .65rem 1.3rem; font: inherit; font-weight: 600; cursor: pointer; }
button.user { display: block; width: 100%; text-align: left; margin: .4rem 0; background: transparent; color: inherit; border: 1px solid color-mix(in srgb, CanvasText 20%, transparent); }
button.user:hover { border-color: var(--accent); }
table { width: 100%; border-collapse: collapse; font-size: .9rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid color-mix(in srgb, CanvasText 10%, transparent); }
code { font-size: .85em; }
`;

/** An inline icon, so the browser does not ask for a /favicon.ico this server does not have. */
const FAVICON = `data:image/svg+xml,${
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#ff6243"/></svg>',
  )
}`;

/** A full HTML page titled `title` around `body`. */
export function page(
  title: string,
  body: HtmlEscapedString | Promise<HtmlEscapedString>,
): HtmlEscapedString | Promise<HtmlEscapedString> {
  return html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>${title} · Whop sandbox</title>
        <link rel="icon" href="${FAVICON}">
        <style>${raw(STYLE)}</style>
      </head>
      <body>
        <header>Whop <small>simulated for CartBrawl — no real money moves</small></header>
        <main>${body}</main>
      </body>
    </html>
  `;
}
