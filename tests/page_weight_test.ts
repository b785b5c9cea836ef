/**
 * Page weight: the JavaScript each page ships (every `<script src>` and
 * `<link rel="modulepreload">`, gzip-compressed as served) stays under
 * 20 KB, and a page without islands ships none.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "./helpers/test_app.ts";
import { ensureIslandBundles } from "../lib/island_build.ts";
import { activeCompetition, draftCompetition } from "../routes/pages/page_fixtures.ts";

/** The budget per page, gzip bytes. */
const BUDGET = 20 * 1024;

/** The script URLs a page's HTML loads or preloads. */
function scriptUrls(html: string): string[] {
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
  const preloads = [...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)].map((m) => m[1]);
  return [...new Set([...scripts, ...preloads])];
}

async function gzipSize(bytes: ArrayBuffer): Promise<number> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** The page's JavaScript: file count and total gzip bytes. */
async function pageScripts(t: TestApp, path: string, userId?: string) {
  const res = await t.request(path, { userId });
  assert.equal(res.status, 200, path);
  const urls = scriptUrls(await res.text());
  let gzip = 0;
  for (const url of urls) {
    const script = await t.request(url);
    assert.equal(script.status, 200, url);
    gzip += await gzipSize(await script.arrayBuffer());
  }
  return { files: urls.length, gzip };
}

Deno.test("page weight - every page ships under 20 KB of gzipped JavaScript; pages without islands ship none", async () => {
  await ensureIslandBundles();
  await using t = await createTestApp();
  const { competition } = await activeCompetition(t, "creator", 3);
  const draft = await draftCompetition(t, "creator");
  const pages: [string, string | undefined][] = [
    ["/", undefined],
    ["/signin", undefined],
    [`/competitions/${competition.id}`, undefined],
    ["/competitions/new", "creator"],
    [`/competitions/${draft.id}/manage`, "creator"],
    ["/dashboard", "creator"],
    ["/dashboard?tab=create", "creator"],
    ["/my-competitions", "owner_0"],
  ];
  const report: string[] = [];
  for (const [path, userId] of pages) {
    const { files, gzip } = await pageScripts(t, path, userId);
    report.push(`${path.padEnd(48)} ${String(files).padStart(2)} files ${String(gzip).padStart(6)} B gzip`);
    assert.ok(gzip < BUDGET, `${path} ships ${gzip} B of gzipped JavaScript`);
  }
  console.log(report.join("\n"));
  assert.deepEqual(await pageScripts(t, "/signin"), { files: 0, gzip: 0 });
  assert.deepEqual(await pageScripts(t, "/dashboard", "creator"), { files: 0, gzip: 0 });
});
