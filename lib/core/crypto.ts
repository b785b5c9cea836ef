/**
 * Secrets at rest (Shopify access and refresh tokens): AES-256-GCM under
 * `ENCRYPTION_KEY`, with a random 96-bit IV per value and the owner (e.g. the
 * shop domain) bound as additional data, so a ciphertext moved to another
 * record does not decrypt. And bearer ids (sessions, tickets, claims): random,
 * and kept in KV only as their SHA-256.
 */
import { createHash } from "node:crypto";
import { keys } from "./db.ts";

const VERSION = "v1";

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
}

/** Imports 32 raw bytes as an AES-GCM key usable only for encrypt/decrypt. */
export function importEncryptionKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length !== 32) throw new Error("The encryption key must be 32 bytes.");
  return crypto.subtle.importKey("raw", new Uint8Array(raw), "AES-GCM", false, ["encrypt", "decrypt"]);
}

/**
 * Encrypts `plaintext` for `owner`; the result is `v1.<iv>.<ciphertext>`.
 *
 * @example
 * const sealed = await encryptSecret(key, accessToken, "demo.myshopify.com");
 */
export async function encryptSecret(key: CryptoKey, plaintext: string, owner: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(owner) },
    key,
    new TextEncoder().encode(plaintext),
  );
  return `${VERSION}.${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
}

/** Decrypts a value made by `encryptSecret` for the same owner; throws if tampered. */
export async function decryptSecret(key: CryptoKey, sealed: string, owner: string): Promise<string> {
  const [version, iv, data] = sealed.split(".");
  if (version !== VERSION || !iv || !data) throw new Error("The sealed secret is malformed.");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(iv), additionalData: new TextEncoder().encode(owner) },
    key,
    fromBase64(data),
  );
  return new TextDecoder().decode(plain);
}

/** The settings the encryption key comes from. */
export interface EncryptionSettings {
  /** Raw 32-byte key (`ENCRYPTION_KEY`); absent only in sandbox mode. */
  encryptionKey?: Uint8Array;
  sandbox: boolean;
}

/**
 * The app's encryption key: `ENCRYPTION_KEY`, or in sandbox mode a random
 * key made once and kept in KV (sandbox data is demo data).
 */
export async function resolveEncryptionKey(kv: Deno.Kv, settings: EncryptionSettings): Promise<CryptoKey> {
  if (settings.encryptionKey) return importEncryptionKey(settings.encryptionKey);
  if (!settings.sandbox) throw new Error("ENCRYPTION_KEY is required unless SANDBOX=1.");
  const key = keys.setting("sandbox_encryption_key");
  await kv.atomic().check({ key, versionstamp: null }).set(key, crypto.getRandomValues(new Uint8Array(32))).commit();
  const { value } = await kv.get<Uint8Array>(key);
  return importEncryptionKey(value!);
}

/** `bytes` random bytes, hex: the ids of sessions, join tickets and install claims. */
export function randomHex(bytes = 32): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * SHA-256 of `text`, hex: how a bearer id is kept in KV (a copy of the data
 * gives no one the id). node:crypto's hash is synchronous: 1 µs against
 * 50 µs for WebCrypto's async `digest` (`bench/micro_bench.ts`), and every
 * signed-in request hashes its session id.
 */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
