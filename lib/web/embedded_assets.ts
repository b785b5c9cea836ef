/**
 * The static files and prebuilt island bundles of a release build, held in
 * memory instead of read from disk. `scripts/release.ts` generates a module
 * of them (base64 strings) and the release entry installs it once before the
 * app is built, so the one-file release needs neither the source tree nor
 * esbuild. `deno task start` installs nothing: files then come from
 * `static/` and the island build.
 */

/** One embedded file and its ETag (a content hash, so it survives restarts and is the same on every instance). */
export interface EmbeddedFile {
  bytes: Uint8Array<ArrayBuffer>;
  etag: string;
}

let installed: ReadonlyMap<string, EmbeddedFile> | undefined;

/**
 * Installs the embedded files, by path relative to `static/` (e.g.
 * `"styles.css"`, `"islands/manifest.json"`), each base64-encoded. Call once,
 * before the app is built; from then on `/static/…` and the island manifest
 * read from memory.
 *
 * @example
 * await installEmbeddedAssets({ "styles.css": "Ym9keXt9" });
 */
export async function installEmbeddedAssets(files: Record<string, string>): Promise<void> {
  const map = new Map<string, EmbeddedFile>();
  for (const [path, base64] of Object.entries(files)) {
    const bytes = Uint8Array.fromBase64(base64);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    // Weak, like the files served from disk: compression changes the bytes sent, not the file.
    map.set(path, { bytes, etag: `W/"${digest.slice(0, 12).toBase64({ alphabet: "base64url" })}"` });
  }
  installed = map;
}

/** The installed files, or `undefined` when the app serves from disk (`deno task start`). */
export function embeddedAssets(): ReadonlyMap<string, EmbeddedFile> | undefined {
  return installed;
}
