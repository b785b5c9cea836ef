/**
 * The Hono app: middleware every route shares, the route modules, and the
 * one place where typed errors become HTTP responses.
 */
import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { secureHeaders } from "hono/secure-headers";
import { HTTPException } from "hono/http-exception";
import type Whop from "@whop/sdk";
import type { Config } from "../config.ts";
import { AppError, ValidationError } from "./errors.ts";
import { log } from "./log.ts";
import { caller, type CallerVariables } from "./middleware/caller.ts";
import { requestLog, type RequestLogVariables } from "./middleware/request_log.ts";
import type { UserTokenVerifier } from "./user_token.ts";
import { csp } from "./middleware/csp.ts";
import { competitionId } from "./middleware/competition_id.ts";
import { healthRoutes } from "../routes/health.ts";
import { staticRoutes } from "../routes/static.ts";
import { competitionsApi } from "../routes/competitions_api.ts";
import { authRoutes } from "../routes/auth.ts";
import { whopApi } from "../routes/whop_api.ts";
import { pageRoutes } from "../routes/pages/mod.ts";
import { renderErrorPage } from "../routes/pages/error_page.tsx";
import { eventsApi } from "../routes/events_api.ts";
import type { LiveHub } from "./live.ts";
import type { LifecycleServices } from "./settlement.ts";
import { adminApi } from "../routes/admin_api.ts";
import { shopifyRoutes } from "../routes/shopify.ts";
import { sandboxRoutes } from "../routes/sandbox.ts";
import { createShopifyServices, type ShopifyServices, WEBHOOK_PATH as SHOPIFY_WEBHOOK_PATH } from "./shopify/mod.ts";

/** What the app is built from; tests pass their own. */
export interface AppDeps {
  kv: Deno.Kv;
  config: Config;
  /** The clock, in epoch milliseconds. */
  now: () => number;
  verifyUserToken: UserTokenVerifier;
  /** The Whop REST client (`lib/whop/client.ts`); Whop features answer 503 without it. */
  whop?: Whop;
  /** The live event hub; built with production timings when absent. */
  live?: LiveHub;
  /** Shopify (`lib/shopify/mod.ts`); built from `config` when absent. */
  shopify?: ShopifyServices;
  /** The scheduled jobs' services; the operators' API is mounted only with them. */
  lifecycle?: LifecycleServices;
}

/** The Hono environment every route sees. */
export type AppEnv = { Variables: RequestLogVariables & CallerVariables };

/** Request bodies larger than this are refused with 413 (webhooks allow more). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Paths whose routes apply their own, larger body limit (webhooks). */
const OWN_BODY_LIMIT_PATHS = new Set<string>(["/api/webhooks/whop", SHOPIFY_WEBHOOK_PATH]);

/** The JSON body of every error response. */
export interface ErrorBody {
  error: string;
  issues?: { path: string; message: string }[];
  requestId?: string;
}

/**
 * Builds the app.
 *
 * @example
 * const app = createApp({ kv, config, now: Date.now, verifyUserToken });
 * Deno.serve(app.fetch);
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestLog({ quietPaths: ["/healthz"] }));
  app.use(secureHeaders({ xFrameOptions: false, crossOriginResourcePolicy: "same-site" }));
  const defaultBodyLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError(413, `The request body is larger than ${MAX_BODY_BYTES / 1024} KB.`);
    },
  });
  // Webhook routes set their own, larger limit.
  app.use((c, next) => OWN_BODY_LIMIT_PATHS.has(c.req.path) ? next() : defaultBodyLimit(c, next));
  app.use(csp({ formActions: oauthOrigins(deps.config) }));
  // Form posts must come from our own pages. A user-token header cannot be sent cross-site without CORS,
  // so API clients that authenticate with it (and may send no Origin) are not checked.
  const sameOriginForms = csrf({ origin: deps.config.appUrl });
  app.use((c, next) => c.req.header("x-whop-user-token") ? next() : sameOriginForms(c, next));
  app.use(caller({ kv: deps.kv, appUrl: deps.config.appUrl, verifyUserToken: deps.verifyUserToken, now: deps.now }));

  for (const path of ["/api/competitions/:id", "/api/competitions/:id/*", "/competitions/:id", "/competitions/:id/*"]) {
    app.use(path, competitionId());
  }

  app.route("/", healthRoutes(deps));
  app.route("/static", staticRoutes());
  app.route("/api/competitions", competitionsApi(deps));
  app.route("/", authRoutes(deps));
  app.route("/", whopApi(deps));
  app.route("/", shopifyRoutes({ ...deps, shopify: deps.shopify ?? createShopifyServices(deps) }));
  app.route("/api/competitions", eventsApi(deps));

  if (deps.lifecycle) app.route("/api/admin", adminApi({ ...deps, lifecycle: deps.lifecycle }));
  // Sandbox-only controls (fast-forward, start now); absent, and so 404, otherwise.
  if (deps.config.sandbox && deps.lifecycle) app.route("/", sandboxRoutes({ ...deps, lifecycle: deps.lifecycle }));
  app.route("/", pageRoutes(deps));

  /** JSON under `/api`, an HTML page anywhere else. */
  const respond = (c: Context<AppEnv>, body: ErrorBody, status: ContentfulStatusCode) =>
    isApiPath(c.req.path) ? c.json(body, status) : renderErrorPage(c, deps, status, body.error);
  app.notFound((c) => respond(c, { error: "Not found." }, 404));
  app.onError((error, c) => {
    const requestId = c.var.requestId;
    if (error instanceof AppError) {
      const body: ErrorBody = { error: error.message, requestId };
      if (error instanceof ValidationError) body.issues = error.issues;
      if (error.status >= 500) log("error", "upstream failure", { requestId, error, cause: error.cause });
      return respond(c, body, error.status);
    }
    if (error instanceof HTTPException && error.status < 500) {
      return respond(c, { error: error.message || "The request was refused.", requestId }, error.status);
    }
    log("error", "unhandled error", { requestId, method: c.req.method, path: c.req.path, error });
    return respond(c, { error: "Something went wrong on our side; please try again.", requestId }, 500);
  });
  return app;
}

/** Whether a path belongs to the JSON API (errors there are JSON). */
function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/");
}

/** Origins a form may be redirected to: Whop's and Shopify's OAuth pages. */
function oauthOrigins(config: Config): string[] {
  return [config.whop.origin, config.shopify.origin ?? "https://*.myshopify.com"];
}

/** Reads a form body (urlencoded or multipart), or throws a 400 with a clear sentence. */
export async function readForm(
  c: { req: { parseBody: () => Promise<Record<string, string | File | (string | File)[]>> } },
) {
  try {
    return await c.req.parseBody();
  } catch {
    throw new ValidationError([], "The form could not be read; please submit it again.");
  }
}

/** Reads a JSON request body, or throws a 400 with a clear sentence. */
export async function readJson(c: { req: { json: () => Promise<unknown> } }): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new ValidationError([], "The request body must be valid JSON.");
  }
}
