/**
 * `deno task backup <file>` and `deno task restore <file>` from the source
 * tree (the release file runs the same commands: `cartbrawl.js backup <file>`).
 * See `lib/core/backup.ts` for the format and what "consistent" means.
 */
import { runKvCommand } from "../server.ts";

if (import.meta.main) await runKvCommand(Deno.args);
