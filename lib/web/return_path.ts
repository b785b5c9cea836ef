/** Where a form or sign-in may send the browser back to: a path on this site only. */

/**
 * `value` when it is a path on this site, otherwise `/`.
 * @example safeReturnPath("/dashboard") // "/dashboard"; safeReturnPath("//evil.example") // "/"
 */
export function safeReturnPath(value: unknown): string {
  return typeof value === "string" && /^\/(?![/\\])/.test(value) ? value : "/";
}
