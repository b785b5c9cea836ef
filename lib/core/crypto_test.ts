import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import { decryptSecret, encryptSecret, importEncryptionKey, resolveEncryptionKey, sha256Hex } from "./crypto.ts";

const raw = crypto.getRandomValues(new Uint8Array(32));

Deno.test("crypto - round-trips a secret for its owner only", async () => {
  const key = await importEncryptionKey(raw);
  const sealed = await encryptSecret(key, "shpat_secret_token", "a.myshopify.com");
  assert.ok(!sealed.includes("shpat_secret_token"));
  assert.equal(await decryptSecret(key, sealed, "a.myshopify.com"), "shpat_secret_token");
  await assert.rejects(() => decryptSecret(key, sealed, "b.myshopify.com"));
  const other = await importEncryptionKey(crypto.getRandomValues(new Uint8Array(32)));
  await assert.rejects(() => decryptSecret(other, sealed, "a.myshopify.com"));
});

Deno.test("crypto - each encryption uses a fresh IV and tampering is detected", async () => {
  const key = await importEncryptionKey(raw);
  const a = await encryptSecret(key, "same", "shop");
  const b = await encryptSecret(key, "same", "shop");
  assert.notEqual(a, b);
  const [v, iv, data] = a.split(".");
  const flipped = data[0] === "A" ? "B" + data.slice(1) : "A" + data.slice(1);
  await assert.rejects(() => decryptSecret(key, `${v}.${iv}.${flipped}`, "shop"));
  await assert.rejects(() => decryptSecret(key, "v0.x.y", "shop"), /malformed/);
});

Deno.test("crypto - sandbox mode keeps one generated key in KV", async () => {
  using kv = await Deno.openKv(":memory:");
  const config = loadConfig({ SANDBOX: "1" });
  const first = await resolveEncryptionKey(kv, config);
  const sealed = await encryptSecret(first, "token", "shop");
  const second = await resolveEncryptionKey(kv, config);
  assert.equal(await decryptSecret(second, sealed, "shop"), "token");
});

Deno.test("crypto - a bearer id is kept as its SHA-256 in lowercase hex (the keys of sessions made before stay the same)", () => {
  // FIPS 180-2's test vectors.
  assert.equal(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // A session id is 64 hex characters; its key is 64 more.
  assert.match(sha256Hex("0".repeat(64)), /^[0-9a-f]{64}$/);
});
