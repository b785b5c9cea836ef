/**
 * `deno task restore <file>`: loads a backup into the KV at `KV_PATH`,
 * which must be empty (start the app on it afterwards, with the same
 * `ENCRYPTION_KEY` as the one the backup was taken with).
 */
import { loadConfig } from "../config.ts";
import { openKv } from "../app.ts";
import { BackupError, restoreKv } from "../lib/core/backup.ts";

if (import.meta.main) {
  const [path] = Deno.args;
  if (!path) {
    console.error("Usage: deno task restore <file>");
    Deno.exit(2);
  }
  const { kvPath } = loadConfig(Deno.env.toObject());
  const kv = await openKv(kvPath);
  try {
    const { entries } = await restoreKv(kv, () => Deno.open(path).then((file) => file.readable));
    console.error(`restored ${entries} entries from ${path} into ${kvPath}`);
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    console.error(`Restore refused: ${error.message}`);
    Deno.exit(1);
  } finally {
    kv.close();
  }
}
