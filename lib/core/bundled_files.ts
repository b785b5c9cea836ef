/**
 * Data files read at run time (the simulated Shopify's Admin schema, the
 * share card's renderer and fonts), from disk in a checkout and from memory
 * in the one-file release: `scripts/release.ts` embeds them (base64) and the
 * release entry installs them before anything reads one. Kept apart from the
 * static files, which are served to browsers; these never are.
 */

let installed: ReadonlyMap<string, Uint8Array<ArrayBuffer>> | undefined;

/**
 * Installs the embedded data files, by name, each base64-encoded. Call once,
 * before the app is built.
 *
 * @example
 * installBundledFiles({ "admin_2026-07.json.gz": "H4sI…" });
 */
export function installBundledFiles(files: Record<string, string>): void {
  installed = new Map(Object.entries(files).map(([name, base64]) => [name, Uint8Array.fromBase64(base64)]));
}

/**
 * The bytes of data file `name`: the embedded copy in a release, otherwise
 * the file at `onDisk()` (a function, so a release never resolves a path
 * that only exists in a checkout).
 *
 * @example
 * const wasm = await readBundledFile("resvg.wasm", () => new URL(import.meta.resolve("@resvg/resvg-wasm/index_bg.wasm")));
 */
export async function readBundledFile(name: string, onDisk: () => URL): Promise<Uint8Array<ArrayBuffer>> {
  return installed?.get(name) ?? await Deno.readFile(onDisk());
}
