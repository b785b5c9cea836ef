/**
 * Shopify's OAuth endpoints under `/{shop}/admin/oauth/`: the install page
 * (`GET authorize`), its Approve button (`POST authorize`, redirecting to the
 * app with a signed query) and the token endpoint (`POST access_token`:
 * authorization code and refresh token grants).
 */
import type { Hono } from "hono";
import { type ShopifyFaults, takeHttpFault } from "./faults.ts";
import { signQuery } from "./hmac.ts";
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
  /** Read on each request: skip the install page and approve at once. */
  autoApprove(): boolean;
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
  const code = deps.tokens.issueCode(
    shop,
    scopesOf(request),
    request["grant_options[]"] === "per-user",
  );
  const handle = shop.slice(0, shop.indexOf("."));
  const params: Record<string, string> = {
    code,
    host: btoa(`admin.shopify.com/store/${handle}`).replace(/=+$/, ""),
    shop,
    state: request.state,
    // The library checks this against the wall clock, whatever the sandbox clock says.
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  params.hmac = await signQuery(deps.apiSecret, params);
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
    const shopRecord = deps.store.createShop({ shop });
    if (deps.autoApprove()) return approvalRedirect(deps, shop, request);
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
    deps.store.createShop({ shop });
    return approvalRedirect(deps, shop, request);
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
