/**
 * How much JavaScript a page makes the browser load: every script and
 * module preload its HTML names, gzipped as the static route serves them.
 */
import type { TestApp } from "./test_app.ts";

/** The script URLs a page's HTML loads or preloads. */
export function scriptUrls(html: string): string[] {
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
  const preloads = [...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)].map((m) => m[1]);
  return [...new Set([...scripts, ...preloads])];
}

async function gzipSize(bytes: ArrayBuffer): Promise<number> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** A page's JavaScript: file count and total gzip bytes; throws if the page or a script is not 200. */
export async function pageScripts(t: TestApp, path: string, userId?: string): Promise<{ files: number; gzip: number }> {
  const res = await t.request(path, { userId });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  const urls = scriptUrls(await res.text());
  let gzip = 0;
  for (const url of urls) {
    const script = await t.request(url);
    if (script.status !== 200) throw new Error(`${url} answered ${script.status}`);
    gzip += await gzipSize(await script.arrayBuffer());
  }
  return { files: urls.length, gzip };
}
