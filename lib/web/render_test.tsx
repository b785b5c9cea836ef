import assert from "node:assert/strict";
import { Hono } from "hono";
import type { ComponentChildren } from "preact";
import Countdown from "../../islands/countdown.tsx";
import { ensureIslandBundles } from "./island_build.ts";
import { island } from "./islands.ts";
import { csp } from "./middleware/csp.ts";
import { renderPage } from "./render.tsx";

const CountdownIsland = island(Countdown, "countdown");
const manifest = await ensureIslandBundles();

/** Suspends once for `ms`, like a component awaiting data. */
function Delayed(props: { ms: number; children: ComponentChildren }) {
  const key = `delay:${props.ms}`;
  if (!settled.has(key)) {
    throw new Promise<void>((resolve) =>
      setTimeout(() => {
        settled.add(key);
        resolve();
      }, props.ms)
    );
  }
  return <>{props.children}</>;
}
const settled = new Set<string>();

function testApp(): Hono {
  const app = new Hono();
  app.use(csp());
  app.get("/plain", (c) => renderPage(c, { title: "Plain", body: <p>No islands here.</p> }));
  app.get("/countdown", (c) =>
    renderPage(c, {
      title: "Countdown",
      sandbox: true,
      body: <CountdownIsland to={c.req.query("to") ?? ""} />,
    }));
  app.get("/mixed/:n", (c) => {
    const n = Number(c.req.param("n"));
    return renderPage(c, {
      title: `Page ${n}`,
      body: (
        <Delayed ms={(n * 7) % 23}>
          {n % 2 === 0 ? <CountdownIsland to="2030-01-01T00:00:00Z" /> : <p>page {n}</p>}
        </Delayed>
      ),
    });
  });
  return app;
}

Deno.test("islands - a page without islands ships no JavaScript", async () => {
  const res = await testApp().request("/plain");
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /^<!doctype html><html lang="en"><head>/);
  assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1"/);
  assert.match(html, /<link rel="stylesheet" href="\/static\/styles.css"/);
  assert.match(html, /<title>Plain · CartBrawl<\/title>/);
  assert.doesNotMatch(html, /<script|modulepreload|banner-sandbox/);
});

Deno.test("islands - a page with an island has the nonce'd boot script and safe props", async () => {
  const evil = "</script><script>alert(1)</script>\u2028&";
  const res = await testApp().request(
    `/countdown?to=${encodeURIComponent(evil)}`,
  );
  const html = await res.text();
  const nonce = res.headers.get("Content-Security-Policy")
    ?.match(/'nonce-([^']+)'/)?.[1];
  assert.ok(nonce);
  assert.ok(
    html.includes(
      `<script type="module" src="/static/islands/${manifest.boot}" nonce="${nonce}"></script>`,
    ),
  );
  assert.ok(
    html.includes(
      `<link rel="modulepreload" href="/static/islands/${manifest.islands.countdown}" nonce="${nonce}"/>`,
    ),
  );
  assert.equal(html.split("<script").length, 2, "only the boot script");
  assert.match(html, /class="banner-sandbox"/);

  const props = html.match(
    /<cartbrawl-island data-island="countdown" data-props="([^"]*)">/,
  )?.[1];
  assert.ok(props);
  assert.doesNotMatch(props, /[<>\u2028]/);
  const decoded = props.replaceAll("&quot;", '"').replaceAll("&amp;", "&");
  assert.deepEqual(JSON.parse(decoded), { to: evil });
});

Deno.test("islands - concurrent renders keep their islands apart", async () => {
  const app = testApp();
  const pages = await Promise.all(
    Array.from({ length: 40 }, async (_, n) => {
      const res = await app.request(`/mixed/${n}`);
      return { n, html: await res.text() };
    }),
  );
  for (const { n, html } of pages) {
    if (n % 2 === 0) {
      assert.equal(html.split("<cartbrawl-island").length, 2, `page ${n}`);
      assert.match(html, /<script type="module"/, `page ${n}`);
    } else {
      assert.doesNotMatch(html, /<script|cartbrawl-island/, `page ${n}`);
    }
  }
});

Deno.test("islands - an island inside an island renders as a plain component", async () => {
  const Outer = island(
    (props: { to: string }) => (
      <div>
        <CountdownIsland to={props.to} />
      </div>
    ),
    "countdown",
  );
  const app = new Hono();
  app.get("/", (c) => renderPage(c, { title: "Nested", body: <Outer to="2030-01-01" /> }));
  const html = await (await app.request("/")).text();
  assert.equal(html.split("<cartbrawl-island").length, 2);
  assert.match(html, /<time class="countdown"/);
});

Deno.test("islands - an unknown island name fails the render loudly", async () => {
  const Ghost = island(() => <p>boo</p>, "ghost");
  const app = new Hono();
  app.onError((error, c) => c.text(error.message, 500));
  app.get("/", (c) => renderPage(c, { title: "Ghost", body: <Ghost /> }));
  const res = await app.request("/");
  assert.equal(res.status, 500);
  assert.match(await res.text(), /unknown island "ghost"/);
});
