/**
 * `deno task backup <file>`: writes every KV entry of `KV_PATH` to `<file>`
 * (`-` for standard output) while the app may keep running; see
 * `lib/core/backup.ts` for the format and what "consistent" means here.
 */
import { loadConfig } from "../config.ts";
import { openKv } from "../app.ts";
import { backupKv } from "../lib/core/backup.ts";

if (import.meta.main) {
  const [path] = Deno.args;
  if (!path) {
    console.error("Usage: deno task backup <file>   (or - for standard output)");
    Deno.exit(2);
  }
  const { kvPath } = loadConfig(Deno.env.toObject());
  const local = kvPath !== ":memory:" && !/^https?:\/\//.test(kvPath);
  if (local && !await Deno.stat(kvPath).then(() => true, () => false)) {
    console.error(`There is no KV data at ${kvPath}; set KV_PATH to the app's.`);
    Deno.exit(1);
  }
  const kv = await openKv(kvPath);
  const temporary = `${path}.partial`;
  const out = path === "-"
    ? Deno.stdout.writable
    : (await Deno.open(temporary, { write: true, create: true, truncate: true })).writable;
  const { entries, sha256 } = await backupKv(kv, out);
  if (path !== "-") await Deno.rename(temporary, path);
  kv.close();
  console.error(`backed up ${entries} entries of ${kvPath} to ${path} (sha256 ${sha256})`);
}
