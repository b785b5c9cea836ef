import assert from "node:assert/strict";
import { loadConfig } from "../../config.ts";
import { decryptSecret, encryptSecret, importEncryptionKey, resolveEncryptionKey } from "./crypto.ts";

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
