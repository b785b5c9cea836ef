/**
 * `deno task build`: builds the island bundles into `static/islands/`.
 * @example deno run -A lib/islands_build.ts
 */
import { buildIslandBundles } from "./island_build.ts";

if (import.meta.main) {
  const manifest = await buildIslandBundles();
  console.log(
    `built boot ${manifest.boot} and ${Object.keys(manifest.islands).length} island(s) into static/islands/`,
  );
}
