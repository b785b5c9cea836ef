/**
 * What the page tests in Chromium share: the app served on loopback at its
 * own address, a browser signed in as a user, and axe-core's verdict on a
 * page. Used by tests only.
 */
// Pinned here, not in deno.json: packages listed there are installed by `deno task start` too.
import axe from "npm:axe-core@4.14.1";
import type { Page } from "./browser.ts";
import { createTestApp, type TestApp } from "./test_app.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { createSession, sessionCookieName } from "../lib/core/sessions.ts";

/** The app on loopback: its test app, its origin, and disposal (server first). */
export interface ServedApp extends AsyncDisposable {
  t: TestApp;
  origin: string;
}

/**
 * Builds the island bundles and serves a test app on an ephemeral loopback
 * port, with `APP_URL` set to that address (the server answers through a
 * slot the app fills once it exists) and the app's clock at the real time.
 * @example await using served = await serveTestApp(); await page.goto(served.origin);
 */
export async function serveTestApp(): Promise<ServedApp> {
  await ensureIslandBundles();
  const served: { app?: TestApp["app"] } = {};
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (r) => served.app?.fetch(r) ?? new Response(null, { status: 503 }),
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const t = await createTestApp({ APP_URL: origin });
  served.app = t.app;
  t.clock.ms = Date.now();
  return {
    t,
    origin,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await t[Symbol.asyncDispose]();
    },
  };
}

/** Signs the browser in as `userId` (a session cookie for the app's origin). */
export async function signIn(page: Page, t: TestApp, origin: string, userId: string): Promise<void> {
  const session = await createSession(t.kv, userId, t.clock.ms);
  await page.context().addCookies([{ name: sessionCookieName(origin), value: session, url: origin }]);
}

/** axe-core's serious and critical violations on the page (WCAG 2.1 A and AA), one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const result = await page.evaluate(() =>
    (globalThis as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    })
  );
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}
