/**
 * Entry point for development and `deno task start`: builds the island
 * bundles from source when they are stale, then runs the product
 * (`server.ts`). The release (`deno task release`) runs the same product
 * with the files embedded instead.
 */
import { ensureIslandBundles } from "./lib/web/island_build.ts";
import { serveProduct, settingsOrExit } from "./server.ts";

if (import.meta.main) {
  const settings = settingsOrExit();
  await ensureIslandBundles();
  await serveProduct(settings);
}
