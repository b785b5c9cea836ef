/**
 * Backup and restore of every KV entry, as NDJSON that a person can read
 * and a tool can stream:
 *
 * ```
 * {"format":"cartbrawl-kv-backup","version":1,"layout":1,"consistency":"snapshot","createdAt":"…"}   header
 * {"key":["competitions","0mx…"],"value":{…}}                     one line per entry, in key order
 * {"end":true,"entries":1234,"sha256":"…"}                        trailer
 * ```
 *
 * Values keep their types: anything JSON cannot say (bigint, `Deno.KvU64`,
 * `Uint8Array` and other binary data, `Date`, `Map`, `Set`, `undefined`,
 * non-finite numbers, …) is written as `{"$": type, "v": …}`, and an object
 * that has a `$` key of its own is wrapped as `{"$": "object", "v": …}`.
 * Secrets are written as stored (encrypted with `ENCRYPTION_KEY`), so a
 * restore needs the same key. The trailer's count and SHA-256 (over the
 * entry lines) let a restore refuse a truncated or altered file.
 *
 * Consistency, honestly. A local KV file is first copied with SQLite's
 * online backup in one step (`withKvFileSnapshot`): one read transaction, so
 * the export is the data as it was at one instant, while the app keeps
 * writing. A remote KV (KV Connect) offers no such snapshot: a list is read
 * in batches, each a consistent snapshot but not across batches, so every
 * entry that existed for the whole backup is in it as committed, while a
 * write made during the backup may be in some of its keys and not others (an
 * order without its store's new total). The header says which
 * (`consistency`); for an exact copy of a remote KV, stop the writers first.
 * Expiry times cannot be read through the KV API, so entries that expire
 * (sessions, sign-in states, delivery ids, leases) come back without one;
 * their values carry their own deadlines where it matters.
 *
 * One idea, past 300 lines: the file format. Writing and reading it, and the
 * value encoding both sides share, must change together, so they stay in
 * one module.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { backup, DatabaseSync } from "node:sqlite";
import { commit } from "./db.ts";
import { LAYOUT_VERSION_KEY } from "./migrations.ts";

/** The header line. */
export interface BackupHeader {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** The KV layout version of the data (see `migrations.ts`). */
  layout: number;
  /** `snapshot`: read from a point-in-time copy; `per-batch`: read live (see the module comment). */
  consistency: "snapshot" | "per-batch";
  createdAt: string;
}

/** The trailer line. */
export interface BackupTrailer {
  end: true;
  entries: number;
  /** SHA-256 (hex) over the entry lines, each followed by `\n`. */
  sha256: string;
}

/** What a backup or restore covered. */
export interface BackupSummary {
  entries: number;
  sha256: string;
}

/** The file cannot be restored, or the KV cannot take it; the message says why. */
export class BackupError extends Error {
  override name = "BackupError";
}

const FORMAT = "cartbrawl-kv-backup";
const VERSION = 1;
const encoder = new TextEncoder();

/**
 * Streams every entry of `kv` to `out` (see the module comment);
 * `consistency` is recorded in the header (`per-batch` unless `kv` is a
 * snapshot).
 *
 * @example
 * const file = await Deno.open("backup.ndjson", { write: true, create: true, truncate: true });
 * await withKvFileSnapshot("data/cartbrawl.sqlite3", (snapshot) => backupKv(snapshot, file.writable, "snapshot"));
 */
export async function backupKv(
  kv: Deno.Kv,
  out: WritableStream<Uint8Array>,
  consistency: BackupHeader["consistency"] = "per-batch",
): Promise<BackupSummary> {
  const writer = out.getWriter();
  try {
    const layout = (await kv.get<number>(LAYOUT_VERSION_KEY)).value ?? 0;
    const createdAt = new Date().toISOString();
    const header: BackupHeader = { format: FORMAT, version: VERSION, layout, consistency, createdAt };
    await writer.write(encoder.encode(JSON.stringify(header) + "\n"));
    const digest = createHash("sha256");
    let entries = 0;
    let chunk = "";
    for await (const entry of kv.list({ prefix: [] }, { batchSize: 500, consistency: "strong" })) {
      const line = entryLine(entry.key, entry.value) + "\n";
      digest.update(line);
      entries++;
      chunk += line;
      if (chunk.length > 64 * 1024) {
        await writer.write(encoder.encode(chunk));
        chunk = "";
      }
    }
    const summary = { entries, sha256: digest.digest("hex") };
    await writer.write(
      encoder.encode(chunk + JSON.stringify({ end: true, ...summary } satisfies BackupTrailer) + "\n"),
    );
    await writer.close();
    return summary;
  } catch (error) {
    await writer.abort(error).catch(() => {});
    throw error;
  }
}

/**
 * Runs `use` on a point-in-time copy of the local KV file at `path`, taken
 * with SQLite's online backup in one step (one read transaction) while other
 * processes keep writing; the copy is removed afterwards.
 *
 * @example
 * const count = await withKvFileSnapshot(path, async (kv) => (await Array.fromAsync(kv.list({ prefix: [] }))).length);
 */
export async function withKvFileSnapshot<T>(path: string, use: (kv: Deno.Kv) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "cartbrawl_snapshot_" });
  try {
    const copy = join(dir, "snapshot.sqlite3");
    const source = new DatabaseSync(path, { readOnly: true });
    try {
      await backup(source, copy, { rate: -1 });
    } finally {
      source.close();
    }
    const kv = await Deno.openKv(copy);
    try {
      return await use(kv);
    } finally {
      kv.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Loads a backup into an empty `kv`. `open` is called twice: the file is
 * checked whole (header, every line, count and digest) before anything is
 * written. Refuses a KV that holds any entry.
 *
 * @example
 * await restoreKv(kv, () => Deno.open("backup.ndjson").then((file) => file.readable));
 */
export async function restoreKv(
  kv: Deno.Kv,
  open: () => Promise<ReadableStream<Uint8Array<ArrayBuffer>>>,
): Promise<BackupSummary> {
  for await (const _ of kv.list({ prefix: [] }, { limit: 1 })) {
    throw new BackupError("The KV store is not empty; restore into a new, empty one (another KV_PATH).");
  }
  const checked = await readBackup(await open(), () => Promise.resolve());
  let batch: { key: Deno.KvKey; value: unknown }[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const writes = batch;
    batch = [];
    batchBytes = 0;
    const result = await commit(() => {
      const op = kv.atomic();
      for (const { key, value } of writes) op.check({ key, versionstamp: null }).set(key, value);
      return op;
    });
    if (!result.ok) {
      throw new BackupError("Something wrote to the KV store during the restore; start again on an empty one.");
    }
  };
  await readBackup(await open(), async (key, value, size) => {
    // One commit takes at most 100 checks and about 800 KB.
    if (batch.length >= 100 || batchBytes + size > 400 * 1024) await flush();
    batch.push({ key, value });
    batchBytes += size;
  });
  await flush();
  return checked;
}

/** Reads and checks a backup, calling `onEntry` for each entry in order; returns the trailer's summary. */
async function readBackup(
  stream: ReadableStream<Uint8Array<ArrayBuffer>>,
  onEntry: (key: Deno.KvKey, value: unknown, size: number) => Promise<void>,
): Promise<BackupSummary> {
  const digest = createHash("sha256");
  let header: BackupHeader | undefined;
  let trailer: BackupTrailer | undefined;
  let entries = 0;
  let lineNumber = 0;
  for await (const line of lines(stream)) {
    lineNumber++;
    if (trailer) throw new BackupError(`Line ${lineNumber} follows the end of the backup.`);
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new BackupError(`Line ${lineNumber} of the backup is not JSON.`);
    }
    if (!header) {
      if (parsed.format !== FORMAT) throw new BackupError("This file is not a CartBrawl KV backup.");
      if (parsed.version !== VERSION) {
        throw new BackupError(`This backup is in format version ${parsed.version}; this release reads ${VERSION}.`);
      }
      header = parsed as unknown as BackupHeader;
      continue;
    }
    if (parsed.end === true) {
      trailer = parsed as unknown as BackupTrailer;
      continue;
    }
    digest.update(line + "\n");
    entries++;
    await onEntry(decodeKey(parsed.key, lineNumber), decodeValue(parsed.value), line.length);
  }
  if (!header) throw new BackupError("The backup is empty.");
  if (!trailer) throw new BackupError("The backup is incomplete: it has no end line (was it cut short?).");
  const sha256 = digest.digest("hex");
  if (trailer.entries !== entries || trailer.sha256 !== sha256) {
    throw new BackupError(
      `The backup does not match its end line (${entries} entries read, ${trailer.entries} written): it was altered or damaged.`,
    );
  }
  return { entries, sha256 };
}

/** The text lines of a stream (the last one may lack its newline). */
async function* lines(stream: ReadableStream<Uint8Array<ArrayBuffer>>): AsyncGenerator<string> {
  let rest = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    rest += text;
    let end: number;
    while ((end = rest.indexOf("\n")) >= 0) {
      const line = rest.slice(0, end);
      rest = rest.slice(end + 1);
      if (line) yield line;
    }
  }
  if (rest) yield rest;
}

/**
 * One entry's line, as written in a backup; also the way a test compares
 * two stores entry by entry.
 */
export function entryLine(key: Deno.KvKey, value: unknown): string {
  return JSON.stringify({ key: key.map(encodeValue), value: encodeValue(value) });
}

/** A tagged form of what JSON cannot say. */
type Tagged = { $: string; v?: unknown; [more: string]: unknown };

const TYPED_ARRAYS = {
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;

/** Encodes a KV value (structured-clone types) as JSON-safe data. */
function encodeValue(value: unknown): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (Object.is(value, -0)) return { $: "number", v: "-0" };
      return Number.isFinite(value) ? value : { $: "number", v: String(value) };
    case "bigint":
      return { $: "bigint", v: value.toString() };
    case "undefined":
      return { $: "undefined" };
  }
  if (value === null) return null;
  if (value instanceof Deno.KvU64) return { $: "u64", v: value.value.toString() };
  if (value instanceof Uint8Array) return { $: "bytes", v: value.toBase64() };
  if (value instanceof ArrayBuffer) return { $: "arraybuffer", v: new Uint8Array(value).toBase64() };
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return { $: "typed", t: value.constructor.name, v: bytes.toBase64() };
  }
  if (value instanceof Date) return { $: "date", v: String(value.getTime()) };
  if (value instanceof RegExp) return { $: "regexp", v: value.source, flags: value.flags };
  if (value instanceof Map) return { $: "map", v: [...value].map(([k, v]) => [encodeValue(k), encodeValue(v)]) };
  if (value instanceof Set) return { $: "set", v: [...value].map(encodeValue) };
  if (value instanceof Error) return { $: "error", name: value.name, v: value.message };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (typeof value === "object") {
    const fields = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeValue(v)]));
    return "$" in fields ? { $: "object", v: fields } : fields;
  }
  throw new BackupError(`A KV value of type ${typeof value} cannot be written to a backup.`);
}

/** The inverse of `encodeValue`. */
function decodeValue(data: unknown): unknown {
  if (data === null || typeof data !== "object") return data;
  if (Array.isArray(data)) return data.map(decodeValue);
  const tagged = data as Tagged;
  if (!("$" in tagged)) return Object.fromEntries(Object.entries(tagged).map(([k, v]) => [k, decodeValue(v)]));
  const v = tagged.v as string;
  switch (tagged.$) {
    case "number":
      return v === "-0" ? -0 : Number(v);
    case "bigint":
      return BigInt(v);
    case "undefined":
      return undefined;
    case "u64":
      return new Deno.KvU64(BigInt(v));
    case "bytes":
      return Uint8Array.fromBase64(v);
    case "arraybuffer":
      return Uint8Array.fromBase64(v).buffer;
    case "typed": {
      const Type = TYPED_ARRAYS[tagged.t as keyof typeof TYPED_ARRAYS];
      if (!Type) throw new BackupError(`Unknown binary type ${String(tagged.t)} in the backup.`);
      const bytes = Uint8Array.fromBase64(v);
      return new Type(bytes.buffer, 0, bytes.byteLength / Type.BYTES_PER_ELEMENT);
    }
    case "date":
      return new Date(Number(v));
    case "regexp":
      return new RegExp(v, tagged.flags as string);
    case "map":
      return new Map((tagged.v as [unknown, unknown][]).map(([k, val]) => [decodeValue(k), decodeValue(val)]));
    case "set":
      return new Set((tagged.v as unknown[]).map(decodeValue));
    case "error": {
      const error = new Error(v);
      error.name = tagged.name as string;
      return error;
    }
    case "object":
      return Object.fromEntries(Object.entries(tagged.v as object).map(([k, val]) => [k, decodeValue(val)]));
  }
  throw new BackupError(`Unknown value type "${tagged.$}" in the backup.`);
}

/** A key from its encoded parts (string, number, bigint, boolean, Uint8Array). */
function decodeKey(data: unknown, lineNumber: number): Deno.KvKey {
  if (!Array.isArray(data)) throw new BackupError(`Line ${lineNumber} of the backup has no key.`);
  return data.map((part) => {
    const decoded = decodeValue(part);
    const ok = ["string", "number", "bigint", "boolean"].includes(typeof decoded) || decoded instanceof Uint8Array;
    if (!ok) throw new BackupError(`Line ${lineNumber} of the backup has a key part KV does not allow.`);
    return decoded as Deno.KvKeyPart;
  });
}
