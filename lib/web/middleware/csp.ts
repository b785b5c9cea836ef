/**
 * Content-Security-Policy with a fresh nonce per request. Scripts run only when
 * they carry the nonce (`'strict-dynamic'` lets the boot script load island
 * chunks); styles only from our own origin, so no inline `style` attributes.
 */
import type { MiddlewareHandler } from "hono";

/** What the policy allows beyond this origin. */
export interface CspOptions {
  /** Origins forms may post/redirect to, e.g. the Whop and Shopify OAuth origins. */
  formActions?: string[];
  /** Who may frame the app; default `'self' https://whop.com https://*.whop.com`. */
  frameAncestors?: string[];
}

declare module "hono" {
  interface ContextVariableMap {
    /** This request's CSP nonce (base64), for `<script nonce>`. */
    cspNonce: string;
    /** Set by a route made to be framed elsewhere: replaces the policy's `frame-ancestors` for this response. */
    cspFrameAncestors?: string[];
  }
}

/** Sources Whop embeds the app from. */
export const WHOP_FRAME_ANCESTORS = [
  "'self'",
  "https://whop.com",
  "https://*.whop.com",
];

/**
 * The policy text for one nonce.
 * @example contentSecurityPolicy("abc", { formActions: ["https://api.whop.com"] })
 */
export function contentSecurityPolicy(
  nonce: string,
  options: CspOptions = {},
): string {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `frame-ancestors ${(options.frameAncestors ?? WHOP_FRAME_ANCESTORS).join(" ")}`,
    ["form-action 'self'", ...options.formActions ?? []].join(" "),
  ].join("; ");
}

/**
 * Middleware: sets `c.var.cspNonce` and the `Content-Security-Policy` header
 * (a route may widen `frame-ancestors` for its own response with `c.set("cspFrameAncestors", ["*"])`).
 * @example app.use(csp({ formActions: [whopOrigin, shopifyOrigin] }));
 */
export function csp(options: CspOptions = {}): MiddlewareHandler {
  return async (c, next) => {
    const nonce = btoa(
      String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))),
    );
    c.set("cspNonce", nonce);
    await next();
    c.res.headers.set(
      "Content-Security-Policy",
      contentSecurityPolicy(nonce, {
        ...options,
        frameAncestors: c.get("cspFrameAncestors") ?? options.frameAncestors,
      }),
    );
  };
}
