/**
 * Shop domains as users type them, checked strictly: the app only ever talks
 * to `{handle}.myshopify.com` (or the sandbox standing in for it), never to a
 * host a user chose.
 */
import { ValidationError } from "../core/errors.ts";

/** A Shopify store handle: lowercase letters, digits and inner hyphens, at most 60 characters. */
const HANDLE = /^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/;

/** `handle.myshopify.com`, nothing else. */
export const SHOP_DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?\.myshopify\.com$/;

/** Whether `value` is already a normalized shop domain. */
export function isShopDomain(value: unknown): value is string {
  return typeof value === "string" && SHOP_DOMAIN.test(value);
}

const REFUSAL = "Enter your store's address as name.myshopify.com (or paste its admin.shopify.com/store/name link).";

function refuse(): never {
  throw new ValidationError([{ path: "shop", message: REFUSAL }], REFUSAL);
}

/**
 * Normalizes what a store owner typed to `name.myshopify.com`. Accepted:
 * `name.myshopify.com`, `https://name.myshopify.com/any/path`,
 * `admin.shopify.com/store/name` (with or without scheme and trailing path).
 * Everything else (IP addresses, `localhost`, other hosts, ports, user info,
 * look-alikes such as `x.myshopify.com.evil.com`) throws `ValidationError`.
 *
 * @example
 * normalizeShopDomain("https://admin.shopify.com/store/brawl-demo/orders"); // "brawl-demo.myshopify.com"
 */
export function normalizeShopDomain(input: unknown): string {
  if (typeof input !== "string") refuse();
  const text = input.trim().toLowerCase();
  if (!text || text.length > 300 || /[\s\\]/.test(text)) refuse();
  const withScheme = /^[a-z][a-z0-9+.-]*:/.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    refuse();
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") refuse();
  if (url.username || url.password || url.port) refuse();
  const host = url.hostname;
  if (host === "admin.shopify.com") {
    const match = /^\/store\/([^/]+)(?:\/.*)?$/.exec(url.pathname);
    if (!match || !HANDLE.test(match[1])) refuse();
    return `${match[1]}.myshopify.com`;
  }
  if (!SHOP_DOMAIN.test(host)) refuse();
  return host;
}
