/**
 * Serves `static/` under `/static/`: content-hashed island bundles are cached
 * forever, everything else briefly with an ETag; text is gzip-compressed.
 * Paths are checked segment by segment and after resolving symlinks, so
 * nothing outside `static/` can be reached. A release build serves the same
 * files from memory (`lib/web/embedded_assets.ts`).
 */
import { Hono } from "hono";
import { compress } from "hono/compress";
import { extname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { embeddedAssets } from "../lib/web/embedded_assets.ts";

/** Where the files come from. */
export interface StaticOptions {
  /** Directory to serve; default the embedded files of a release build, else `<project>/static`. */
  root?: string;
}

/** A file found for a path: its ETag and how to read it. */
interface FoundFile {
  etag: string;
  read: () => Promise<Uint8Array<ArrayBuffer>>;
}

const CONTENT_TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".webmanifest": "application/manifest+json",
};

const HASHED_BUNDLE = /^islands\/[\w-]+-[A-Z0-9]{8}\.js$/;
const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "public, max-age=300, must-revalidate";

/**
 * The static file routes, `GET /static/*` (full paths, like every route module).
 * @example app.route("/", staticRoutes());
 */
export function staticRoutes(options: StaticOptions = {}): Hono {
  const embedded = options.root ? undefined : embeddedAssets();
  const root = options.root ?? fileURLToPath(new URL("../static", import.meta.url));
  const find = async (path: string): Promise<FoundFile | undefined> => {
    if (embedded) {
      const file = embedded.get(path);
      return file && { etag: file.etag, read: () => Promise.resolve(file.bytes) };
    }
    const file = await resolveInside(root, path);
    return file &&
      { etag: `W/"${file.size.toString(16)}-${file.mtime.toString(16)}"`, read: () => Deno.readFile(file.path) };
  };
  const app = new Hono();
  app.use("/static/*", compress());
  app.get("/static/:path{.+}", async (c) => {
    const path = c.req.param("path");
    const file = await find(path);
    if (!file) return c.notFound();
    const etag = file.etag;
    const headers = {
      "Content-Type": CONTENT_TYPES[extname(path)] ?? "application/octet-stream",
      "Cache-Control": HASHED_BUNDLE.test(path) ? IMMUTABLE : REVALIDATE,
      "ETag": etag,
      "X-Content-Type-Options": "nosniff",
    };
    if (c.req.header("If-None-Match")?.split(/\s*,\s*/).includes(etag)) {
      return c.body(null, 304, headers);
    }
    return c.body(await file.read(), 200, headers);
  });
  return app;
}

/** The regular file `path` names inside `root`, or `undefined`. */
async function resolveInside(
  root: string,
  path: string,
): Promise<{ path: string; size: number; mtime: number } | undefined> {
  const segments = path.split("/");
  const unsafe = segments.some((segment) => segment === "" || segment.startsWith(".") || /[\\\0]/.test(segment));
  if (unsafe) return undefined;
  try {
    const realRoot = await Deno.realPath(root);
    const real = await Deno.realPath(join(realRoot, ...segments));
    if (!real.startsWith(realRoot + sep)) return undefined;
    const info = await Deno.stat(real);
    if (!info.isFile) return undefined;
    return { path: real, size: info.size, mtime: info.mtime?.getTime() ?? 0 };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
