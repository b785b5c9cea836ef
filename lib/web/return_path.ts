/**
 * Where a form or sign-in may send the browser back to: a path on this site
 * only. The one guard for every `returnTo` (sign-in, notifications, sandbox
 * forms, the sign-in page), so every place applies the same rule.
 *
 * The value is judged after the same normalization a browser applies to a
 * `Location` header (dot segments, percent-decoding of what the browser
 * decodes), and the normalized path is what is returned: checking the raw
 * value but returning the normalized one is how `/..//evil.example` became
 * `//evil.example`.
 */

/** Longest `returnTo` honoured; longer ones fall back to the default. */
const MAX_RETURN_PATH = 2048;

/** Any C0 control character or DEL: browsers strip tabs and newlines from URLs, so `/\t/x` reads as `//x`. */
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A placeholder origin to resolve against; only the path survives. */
const BASE = "https://return-path.invalid";

/**
 * `value` as a normalized path on this site, or `fallback` when it is
 * anything else (another origin, a scheme, `//host`, backslashes, control
 * characters, encoded slashes that decode to one of these, or too long).
 *
 * @example
 * safeReturnPath("/competitions/x?tab=1") // "/competitions/x?tab=1"
 * safeReturnPath("/..//evil.example")     // "/"
 * safeReturnPath("//evil.example", "/dashboard") // "/dashboard"
 */
export function safeReturnPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length > MAX_RETURN_PATH) return fallback;
  if (!isPlainPath(value)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return fallback;
  }
  if (!isPlainPath(decoded)) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = url.pathname + url.search + url.hash;
  return isPlainPath(path) ? path : fallback;
}

/** Starts with one `/` (not `//`), has no backslash and no control character. */
function isPlainPath(value: string): boolean {
  return value.startsWith("/") && !value.startsWith("//") && !value.includes("\\") && !CONTROL.test(value);
}
