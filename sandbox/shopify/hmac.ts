/** Shopify's two HMAC-SHA256 signatures: hex over OAuth query strings, base64 over webhook bodies. */

const encoder = new TextEncoder();

async function hmacSha256(secret: string, message: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(
    await crypto.subtle.sign("HMAC", key, encoder.encode(message)),
  );
}

/**
 * The `hmac` of an OAuth redirect: hex HMAC over the parameters other than
 * `hmac`, sorted by key, written `key=value` (URL-encoded) and joined by `&`.
 */
export async function signQuery(
  secret: string,
  params: Record<string, string>,
): Promise<string> {
  const message = Object.keys(params).filter((key) => key !== "hmac").sort()
    .map((key) => new URLSearchParams({ [key]: params[key] }).toString())
    .join("&").replaceAll("+", "%20");
  const digest = await hmacSha256(secret, message);
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}

/** `X-Shopify-Hmac-Sha256` of a webhook: base64 HMAC of the raw body. */
export async function signBody(secret: string, body: string): Promise<string> {
  const digest = await hmacSha256(secret, body);
  return btoa(String.fromCharCode(...digest));
}
