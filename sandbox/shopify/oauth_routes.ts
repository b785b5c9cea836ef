/**
 * Shopify's OAuth endpoints under `/{shop}/admin/oauth/`: the install page
 * (`GET authorize`), its Approve button (`POST authorize`, redirecting to the
 * app with a signed query) and the token endpoint (`POST access_token`:
 * authorization code and refresh token grants); and the admin's app launcher
 * (`GET /{shop}/admin/apps/cartbrawl`), which sends the merchant to the app's
 * App URL with a signed query, as Shopify does when a merchant installs or
 * opens the app from the admin or the App Store. The install page and the
 * launcher are the admin's: a browser that is not logged in is sent to the
 * login origin first (`merchant_login.ts`).
 */
import type { Context, Hono } from "hono";
import { type ShopifyFaults, takeHttpFault } from "./faults.ts";
import { signQuery } from "./hmac.ts";
import { loginUrl, type MerchantSessions, signedInMerchant } from "./merchant_login.ts";
import { authorizePage, errorPage } from "./pages.ts";
import type { ShopStore } from "./shop_store.ts";
import type { TokenIssuer } from "./tokens.ts";

/** What the OAuth endpoints need. */
export interface OAuthDependencies {
  apiKey: string;
  apiSecret: string;
  appName: string;
  store: ShopStore;
  tokens: TokenIssuer;
  faults: ShopifyFaults;
  /** Read on each request: a signed-in merchant approves at once (no login page, no install page). */
  autoApprove(): boolean;
  sessions: MerchantSessions;
  /** The login origin (`merchant_login.ts`). */
  accountsOrigin(): string;
  /** The app's App URL (`{APP_URL}/shopify`), where the launcher sends the merchant; none: no launcher. */
  appUrl?: string;
  /** Counts each approved install (each OAuth round trip Shopify completed). */
  onApproval(): void;
}

/** The app's handle in the admin's app URLs (`/{shop}/admin/apps/{handle}`). */
export const APP_HANDLE = "cartbrawl";

/** The admin's `host` parameter: base64 of `admin.shopify.com/store/{handle}`, unpadded. */
function adminHost(shop: string): string {
  return btoa(`admin.shopify.com/store/${shop.slice(0, shop.indexOf("."))}`).replace(/=+$/, "");
}

/** Shopify's signed query for `params` plus a fresh `timestamp` (wall clock: the app's library checks it so). */
async function signedParams(apiSecret: string, params: Record<string, string>): Promise<Record<string, string>> {
  const signed = { ...params, timestamp: String(Math.floor(Date.now() / 1000)) };
  return { ...signed, hmac: await signQuery(apiSecret, signed) };
}

/** Sends a browser that is not logged in to the login origin, to come back to this very URL. */
function toLogin(c: Context, deps: OAuthDependencies): Response {
  return c.redirect(loginUrl(deps.accountsOrigin(), c.req.url), 302);
}

interface InstallRequest {
  client_id: string;
  scope: string;
  redirect_uri: string;
  state: string;
  "grant_options[]": string;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

function readInstallRequest(
  params: Record<string, string | undefined>,
): InstallRequest {
  return {
    client_id: params.client_id ?? "",
    scope: params.scope ?? "",
    redirect_uri: params.redirect_uri ?? "",
    state: params.state ?? "",
    "grant_options[]": params["grant_options[]"] ?? "",
  };
}

/** Why an install request cannot go on, or `undefined` if it can. */
function installProblem(
  request: InstallRequest,
  shop: string,
  apiKey: string,
): string | undefined {
  if (!SHOP_DOMAIN.test(shop)) return `${shop} is not a myshopify.com shop`;
  if (request.client_id !== apiKey) {
    return `Oauth error invalid_request: Could not find Shopify API application with api_key ${request.client_id}`;
  }
  try {
    const protocol = new URL(request.redirect_uri).protocol;
    if (protocol === "http:" || protocol === "https:") return undefined;
  } catch {
    // reported below
  }
  return "Oauth error invalid_request: The redirect_uri is missing or not a valid URL";
}

function scopesOf(request: InstallRequest): string[] {
  return request.scope.split(",").map((scope) => scope.trim()).filter(Boolean);
}

/** The redirect to the app after approval: `code`, `hmac`, `host`, `shop`, `state`, `timestamp`. */
async function approvalRedirect(
  deps: OAuthDependencies,
  shop: string,
  request: InstallRequest,
): Promise<Response> {
  deps.onApproval();
  const code = deps.tokens.issueCode(
    shop,
    scopesOf(request),
    request["grant_options[]"] === "per-user",
  );
  const params = await signedParams(deps.apiSecret, { code, host: adminHost(shop), shop, state: request.state });
  const location = new URL(request.redirect_uri);
  for (const [key, value] of Object.entries(params)) {
    location.searchParams.set(key, value);
  }
  return new Response(null, {
    status: 302,
    headers: { Location: location.toString() },
  });
}

async function readBody(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) {
      return await request.json() as Record<string, unknown>;
    }
    return Object.fromEntries(new URLSearchParams(await request.text()));
  } catch {
    return {};
  }
}

function tokenError(status: number, error: string, description: string) {
  return Response.json({ error, error_description: description }, { status });
}

/** Adds the OAuth routes to `app`. */
export function registerOAuthRoutes(app: Hono, deps: OAuthDependencies): void {
  app.get("/:shop/admin/oauth/authorize", (c) => {
    const shop = c.req.param("shop").toLowerCase();
    const request = readInstallRequest(c.req.query());
    const problem = installProblem(request, shop, deps.apiKey);
    if (problem) return c.html(errorPage("Something went wrong", problem), 400);
    if (deps.autoApprove()) {
      deps.store.createShop({ shop });
      return approvalRedirect(deps, shop, request);
    }
    if (!signedInMerchant(c, deps.sessions)) return toLogin(c, deps);
    const shopRecord = deps.store.createShop({ shop });
    return c.html(authorizePage({
      shop: shopRecord,
      appName: deps.appName,
      scopes: scopesOf(request),
      redirectUri: request.redirect_uri,
      approveAction: `/${shop}/admin/oauth/authorize`,
      fields: { ...request },
    }));
  });

  app.post("/:shop/admin/oauth/authorize", async (c) => {
    const shop = c.req.param("shop").toLowerCase();
    const form = await c.req.parseBody();
    const request = readInstallRequest(
      Object.fromEntries(
        Object.entries(form).map(([key, value]) => [key, String(value)]),
      ),
    );
    const problem = installProblem(request, shop, deps.apiKey);
    if (problem) return c.html(errorPage("Something went wrong", problem), 400);
    if (!signedInMerchant(c, deps.sessions)) {
      return c.html(errorPage("Log in to continue", "Your session has ended; open the app again."), 403);
    }
    deps.store.createShop({ shop });
    return approvalRedirect(deps, shop, request);
  });

  app.get(`/:shop/admin/apps/${APP_HANDLE}`, async (c) => {
    const shop = deps.store.findShop(c.req.param("shop").toLowerCase());
    if (!shop) return c.html(errorPage("Not found", "There is no such store."), 404);
    if (!deps.appUrl) return c.html(errorPage("No app", "The sandbox was started without the app's App URL."), 404);
    if (!signedInMerchant(c, deps.sessions)) return toLogin(c, deps);
    const location = new URL(deps.appUrl);
    const params = await signedParams(deps.apiSecret, { host: adminHost(shop.domain), shop: shop.domain });
    for (const [key, value] of Object.entries(params)) location.searchParams.set(key, value);
    return c.redirect(location.href, 302);
  });

  app.post("/:shop/admin/oauth/access_token", async (c) => {
    const shop = c.req.param("shop").toLowerCase();
    const fault = takeHttpFault(deps.faults, "token");
    if (fault) return fault;
    const body = await readBody(c.req.raw);
    if (body.client_id !== deps.apiKey || body.client_secret !== deps.apiSecret) {
      return tokenError(
        401,
        "invalid_client",
        "Client authentication failed: unknown client_id or wrong client_secret",
      );
    }
    const shopRecord = deps.store.findShop(shop);
    if (!shopRecord) return tokenError(404, "invalid_request", "Shop not found");
    const grantType = body.grant_type ?? "authorization_code";
    const expiring = ["1", 1, true, "true"].includes(body.expiring as string);
    const result = grantType === "refresh_token"
      ? deps.tokens.refresh(shop, String(body.refresh_token ?? ""))
      : grantType === "authorization_code"
      ? deps.tokens.exchangeCode(shop, String(body.code ?? ""), expiring)
      : {
        status: 400,
        body: {
          error: "unsupported_grant_type",
          error_description: `The sandbox does not support grant_type ${grantType}`,
        },
      };
    if ("status" in result) {
      return Response.json(result.body, { status: result.status });
    }
    shopRecord.installed = true;
    shopRecord.scopes = result.scope.split(",").filter(Boolean);
    return Response.json(result);
  });
}
