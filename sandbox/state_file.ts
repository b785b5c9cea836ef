/**
 * Durable state for a simulator (used by both the simulated Shopify and the
 * simulated Whop; nothing in it is Shopify-specific).
 *
 * The file is one JSON document:
 *
 * ```json
 * { "version": 1, "kind": "shopify-sandbox", "savedAt": "2026-…Z", "state": { … } }
 * ```
 *
 * Loading refuses (throws {@link SandboxStateError}) on a file that is not
 * JSON, has another `version` or `kind`, or whose `state` does not match the
 * simulator's schema: starting empty would overwrite the file at the first
 * save and lose what it held. A missing file means a fresh start.
 *
 * Saving is debounced: {@link StateFileWriter.schedule} arms one timer, and
 * when it fires the current snapshot is written (unless it equals the last one
 * written) to a temporary file in the same directory, synced, then renamed
 * over the target, so a crash leaves either the old or the new document.
 */
import { dirname } from "node:path";
import * as z from "zod/mini";

/** The only document version this code reads and writes. */
export const STATE_FILE_VERSION = 1;

/** Default delay between a change and its save, ms. */
export const DEFAULT_SAVE_DELAY_MS = 100;

/** A state file that cannot be used: unreadable, not JSON, wrong version or kind, or not the expected shape. */
export class SandboxStateError extends Error {
  /** The file concerned. */
  readonly path: string;

  constructor(path: string, problem: string, options?: ErrorOptions) {
    super(
      `Sandbox state file ${path}: ${problem}. ` +
        "Fix it, or move it away to start the sandbox empty.",
      options,
    );
    this.name = "SandboxStateError";
    this.path = path;
  }
}

/** The document on disk. */
export interface StateDocument<S> {
  version: typeof STATE_FILE_VERSION;
  /** Which simulator wrote it, e.g. `shopify-sandbox`. */
  kind: string;
  /** ISO 8601 of the save. */
  savedAt: string;
  state: S;
}

/**
 * Reads and checks the state document at `path`: its `state` when the file
 * exists and is valid against `schema` (a zod schema, parsed with zod/mini's
 * `safeParse`), `undefined` when there is no file, else throws
 * {@link SandboxStateError}.
 */
export async function readStateFile<S>(
  path: string,
  kind: string,
  schema: z.core.$ZodType<S>,
): Promise<S | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new SandboxStateError(path, `cannot be read (${(error as Error).message})`, { cause: error });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new SandboxStateError(path, `is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new SandboxStateError(path, "is not a JSON object");
  }
  const { version, kind: fileKind, state } = document as Record<string, unknown>;
  if (version !== STATE_FILE_VERSION) {
    throw new SandboxStateError(
      path,
      `has version ${JSON.stringify(version)}, but this sandbox reads version ${STATE_FILE_VERSION} only`,
    );
  }
  if (fileKind !== kind) {
    throw new SandboxStateError(path, `holds ${JSON.stringify(fileKind)} state, not ${kind}`);
  }
  const parsed = z.safeParse(schema, state);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3)
      .map((issue) => `state.${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new SandboxStateError(path, `does not have the expected shape (${issues})`, { cause: parsed.error });
  }
  return parsed.data;
}

/** Saves a simulator's snapshot to its state file, debounced and atomically. */
export class StateFileWriter {
  readonly #path: string;
  readonly #kind: string;
  readonly #snapshot: () => unknown;
  readonly #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();
  #lastWritten: string | undefined;
  #closed = false;

  /**
   * @param snapshot called at save time; its result must be JSON-serializable.
   * @param lastWritten the state as last read from the file, so an unchanged state is not rewritten.
   */
  constructor(
    options: {
      path: string;
      kind: string;
      snapshot: () => unknown;
      delayMs?: number;
      lastWritten?: unknown;
    },
  ) {
    this.#path = options.path;
    this.#kind = options.kind;
    this.#snapshot = options.snapshot;
    this.#delayMs = options.delayMs ?? DEFAULT_SAVE_DELAY_MS;
    if (options.lastWritten !== undefined) {
      this.#lastWritten = JSON.stringify(options.lastWritten);
    }
  }

  /**
   * Notes that the state may have changed: a save happens at most `delayMs`
   * from now (one timer covers every change until it fires). No-op once closed.
   */
  schedule(): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#enqueue().catch((error) => {
        console.error(`sandbox state: saving ${this.#path} failed; will retry on the next change:`, error);
      });
    }, this.#delayMs);
  }

  /** Writes the current snapshot now (if it changed) and waits for it. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    return this.#enqueue();
  }

  /** Flushes, then ignores further changes. Rejects if the last save fails. */
  async close(): Promise<void> {
    if (this.#closed) return await this.#writing;
    const last = this.flush();
    this.#closed = true;
    await last;
  }

  #enqueue(): Promise<void> {
    const run = this.#writing.catch(() => {}).then(() => this.#write());
    this.#writing = run;
    return run;
  }

  async #write(): Promise<void> {
    const state = JSON.stringify(this.#snapshot());
    if (state === this.#lastWritten) return;
    const document = `{"version":${STATE_FILE_VERSION},"kind":${JSON.stringify(this.#kind)},` +
      `"savedAt":${JSON.stringify(new Date().toISOString())},"state":${state}}\n`;
    await writeAtomically(this.#path, document);
    this.#lastWritten = state;
  }
}

/** Writes `text` to a temporary file next to `path`, syncs it, and renames it over `path`. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const directory = dirname(path);
  await Deno.mkdir(directory, { recursive: true });
  const temporary = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    // Owner-only: the document holds access tokens and (for Whop) a private signing key.
    const file = await Deno.open(temporary, { write: true, createNew: true, mode: 0o600 });
    try {
      const bytes = new TextEncoder().encode(text);
      let written = 0;
      while (written < bytes.length) {
        written += await file.write(bytes.subarray(written));
      }
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}
