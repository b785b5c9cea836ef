/**
 * Standard Webhooks signatures as Whop sends them and `@whop/sdk` checks them.
 *
 * The app builds its client with `webhookKey: btoa(WHOP_WEBHOOK_SECRET)`; the
 * SDK hands that to `standardwebhooks`, which base64-decodes it, so the HMAC
 * key is the secret's own bytes (each character one byte, as `btoa` demands).
 */

/** The HMAC key `@whop/sdk` derives from `webhookKey: btoa(secret)`. */
export function webhookHmacKey(secret: string): Uint8Array<ArrayBuffer> {
  if ([...secret].some((char) => char.charCodeAt(0) > 255)) {
    throw new RangeError("webhook secret must be Latin-1, as btoa requires");
  }
  return Uint8Array.from(secret, (char) => char.charCodeAt(0));
}

/** `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`. */
export async function signWebhook(
  secret: string,
  webhookId: string,
  timestampSeconds: number,
  body: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    webhookHmacKey(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode(`${webhookId}.${timestampSeconds}.${body}`),
  );
  return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
}
