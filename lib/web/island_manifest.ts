/**
 * The island bundle manifest: which built file holds each island, what every
 * file imports, and which sources the bundles were built from.
 */
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { embeddedAssets } from "./embedded_assets.ts";

/** Public URL prefix under which `static/islands/` is served. */
export const ISLAND_URL_PREFIX = "/static/islands/";

/** Default bundle directory: `<project>/static/islands`. */
export const DEFAULT_ISLAND_OUT_DIR = fromFileUrl(
  new URL("../../static/islands", import.meta.url),
);

/** File name of the manifest inside the bundle directory. */
export const MANIFEST_FILE = "manifest.json";

/** What `manifest.json` holds; every file name is relative to the bundle directory. */
export interface IslandManifest {
  /** The boot script, e.g. `"boot-3FQ2ZK7A.js"`. */
  boot: string;
  /** Island name → its entry file, e.g. `{ countdown: "countdown-MX4T2B1C.js" }`. */
  islands: Record<string, string>;
  /** Built file → the built files it imports statically (to preload). */
  imports: Record<string, string[]>;
  /** SHA-256 (hex) over the esbuild version and the contents of `sources`. */
  fingerprint: string;
  /** Source files the bundles came from, relative to the project root. */
  sources: string[];
}

/** The script and preloads a page needs for the islands it rendered. */
export interface IslandAssets {
  /** URL of the boot module. */
  boot: string;
  /** URLs to `<link rel="modulepreload">`: shared chunks and the islands' own files. */
  preload: string[];
}

/** Reads `manifest.json` from `dir`, or `undefined` when there is none. */
export async function readIslandManifest(
  dir: string,
): Promise<IslandManifest | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(join(dir, MANIFEST_FILE)));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

let cached: { mtime: number; manifest: IslandManifest } | undefined;

let embedded: IslandManifest | undefined;

/**
 * The manifest in the default bundle directory, re-read when the file changes
 * (so `deno task build` while the server runs takes effect); in a release
 * build, the embedded one.
 * @example const { boot } = currentIslandManifest();
 */
export function currentIslandManifest(): IslandManifest {
  const file = embeddedAssets()?.get(`islands/${MANIFEST_FILE}`);
  if (file) return embedded ??= JSON.parse(new TextDecoder().decode(file.bytes));
  const path = join(DEFAULT_ISLAND_OUT_DIR, MANIFEST_FILE);
  let mtime: number;
  try {
    mtime = Deno.statSync(path).mtime?.getTime() ?? 0;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Error(
      `island bundles are missing (${path}); call ensureIslandBundles() at start-up or run \`deno task build\``,
    );
  }
  if (cached?.mtime !== mtime) {
    cached = { mtime, manifest: JSON.parse(Deno.readTextFileSync(path)) };
  }
  return cached.manifest;
}

/**
 * The boot script and the modules to preload for a page that rendered the
 * islands `names`. Throws on a name the manifest does not know.
 * @example islandAssets(manifest, ["countdown"]).preload
 */
export function islandAssets(
  manifest: IslandManifest,
  names: Iterable<string>,
): IslandAssets {
  const needed = new Set<string>();
  const visit = (file: string) => {
    if (needed.has(file)) return;
    needed.add(file);
    for (const imported of manifest.imports[file] ?? []) visit(imported);
  };
  visit(manifest.boot);
  for (const name of names) {
    const file = manifest.islands[name];
    if (!file) {
      throw new Error(
        `unknown island "${name}": is there an islands/${name}.tsx, and are the bundles up to date?`,
      );
    }
    visit(file);
  }
  needed.delete(manifest.boot);
  return {
    boot: ISLAND_URL_PREFIX + manifest.boot,
    preload: [...needed].map((file) => ISLAND_URL_PREFIX + file),
  };
}
