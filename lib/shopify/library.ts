/**
 * The `@shopify/shopify-api` library, configured from the app's settings, and
 * the `SHOPIFY_ORIGIN` rewrite.
 *
 * The library sends every request through one process-global fetch function
 * (`setAbstractFetchFunc`). The rewrite origin is not kept in that global:
 * each library instance made here carries its origin (read from the config
 * once), and every call into the library goes through `ShopifyLibrary.run`,
 * which puts that origin in an `AsyncLocalStorage` context. The global fetch
 * function reads the context of the call that is running, so several
 * instances with different origins (tests start several sandboxes in one
 * process, even at once) never see each other's origin. Outside a context
 * the request goes to the fetch function installed before ours, untouched.
 */
import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, LogSeverity, shopifyApi } from "@shopify/shopify-api";
import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { AsyncLocalStorage } from "node:async_hooks";
import { log } from "../core/log.ts";
import { SHOP_DOMAIN } from "./shop_domain.ts";

/** The Admin API version the app speaks. */
export const SHOPIFY_API_VERSION = ApiVersion.July26;

/** The only scope the app asks for. */
export const SHOPIFY_SCOPES = ["read_orders"];

/** Where Shopify sends the merchant back after the install page. */
export const CALLBACK_PATH = "/api/shopify/callback";

/** Where every webhook topic is delivered. */
export const WEBHOOK_PATH = "/api/shopify/webhooks";

/** The library object as `shopifyApi` builds it. */
export type ShopifyApi = ReturnType<typeof shopifyApi>;

/** A library instance bound to its rewrite origin. */
export interface ShopifyLibrary {
  api: ShopifyApi;
  /** `SHOPIFY_ORIGIN`, or undefined for the real Shopify. */
  origin?: string;
  /** The app's client secret (signs OAuth redirects and webhooks). */
  apiSecret: string;
  /** Runs `task` with this instance's origin in effect for every request the library makes. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** The URL a browser should be sent to for `url` (the authorize page), rewritten like API calls. */
  browserUrl(url: string): string;
}

const originContext = new AsyncLocalStorage<{ origin?: string }>();
let installed = false;

/**
 * `https://{shop}/x?y` (or `http://`) → `${origin}/{shop}/x?y` when `origin`
 * is set and the host is a shop domain; anything else is returned as it is.
 *
 * @example
 * rewriteShopUrl("https://demo.myshopify.com/admin/oauth/authorize?a=1", "http://127.0.0.1:9000");
 * // "http://127.0.0.1:9000/demo.myshopify.com/admin/oauth/authorize?a=1"
 */
export function rewriteShopUrl(url: string, origin: string | undefined): string {
  if (!origin) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if ((parsed.protocol !== "https:" && parsed.protocol !== "http:") || parsed.port) return url;
  if (!SHOP_DOMAIN.test(parsed.hostname)) return url;
  return `${origin}/${parsed.hostname}${parsed.pathname}${parsed.search}`;
}

function installFetchRewrite(): void {
  if (installed) return;
  installed = true;
  const previous = abstractFetch;
  setAbstractFetchFunc((input, init) => {
    const context = originContext.getStore();
    if (!context) return previous(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const target = rewriteShopUrl(url, context.origin);
    if (target === url) return fetch(input, init);
    if (input instanceof Request) return fetch(new Request(target, input), init);
    return fetch(target, init);
  });
}

// The library reports refused callbacks (a missing cookie) as errors: they are the user's, so warnings here.
const LIBRARY_LOG_LEVELS = { [LogSeverity.Error]: "warn", [LogSeverity.Warning]: "warn" } as const;

/** The settings the Shopify integration reads: a part of the app's (`config.ts`), passed in. */
export interface ShopifySettings {
  /** The app's public base URL (`APP_URL`): OAuth callbacks and webhooks come back to it. */
  appUrl: string;
  sandbox: boolean;
  /** The app's credentials and `SHOPIFY_ORIGIN`. */
  shopify: { apiKey?: string; apiSecret?: string; origin?: string };
}

/**
 * Builds the library from the settings. In sandbox mode without credentials
 * the built-in sandbox's pair (`sandbox-key` / `sandbox-secret`) is used.
 *
 * @example
 * const shopify = createShopifyLibrary(config);
 * const response = await shopify.run(() => shopify.api.auth.begin({ ... }));
 */
export function createShopifyLibrary(config: ShopifySettings): ShopifyLibrary {
  installFetchRewrite();
  const apiKey = config.shopify.apiKey ?? (config.sandbox ? SANDBOX_APP.apiKey : undefined);
  const apiSecret = config.shopify.apiSecret ?? (config.sandbox ? SANDBOX_APP.apiSecret : undefined);
  if (!apiKey || !apiSecret) throw new Error("SHOPIFY_API_KEY and SHOPIFY_API_SECRET are required unless SANDBOX=1.");
  const appUrl = new URL(config.appUrl);
  const api = shopifyApi({
    apiKey,
    apiSecretKey: apiSecret,
    apiVersion: SHOPIFY_API_VERSION,
    scopes: SHOPIFY_SCOPES,
    hostName: appUrl.host,
    hostScheme: appUrl.protocol === "http:" ? "http" : "https",
    isEmbeddedApp: false,
    logger: {
      level: LogSeverity.Warning,
      httpRequests: false,
      timestamps: false,
      // The library's own lines (it redacts credentials); kept to warnings and errors.
      log: (severity, message) => {
        const level = LIBRARY_LOG_LEVELS[severity as LogSeverity.Error | LogSeverity.Warning] ?? "debug";
        log(level, "shopify library", { detail: message });
      },
    },
  });
  const origin = config.shopify.origin;
  return {
    api,
    origin,
    apiSecret,
    run: (task) => originContext.run({ origin }, task),
    browserUrl: (url) => rewriteShopUrl(url, origin),
  };
}

/** The credentials of the built-in sandbox app (sandbox mode only; demo data). */
export const SANDBOX_APP = { apiKey: "sandbox-key", apiSecret: "sandbox-secret" } as const;
