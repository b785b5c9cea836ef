/**
 * The Hono app: middleware every route shares, the route modules, and the
 * one place where typed errors become HTTP responses.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { HTTPException } from "hono/http-exception";
import type { Config } from "../config.ts";
import { AppError, ValidationError } from "./errors.ts";
import { log } from "./log.ts";
import { caller, type CallerVariables } from "./middleware/caller.ts";
import { requestLog, type RequestLogVariables } from "./middleware/request_log.ts";
import type { UserTokenVerifier } from "./user_token.ts";
import { csp } from "./middleware/csp.ts";
import { healthRoutes } from "../routes/health.ts";
import { staticRoutes } from "../routes/static.ts";
import { competitionsApi } from "../routes/competitions_api.ts";

/** What the app is built from; tests pass their own. */
export interface AppDeps {
  kv: Deno.Kv;
  config: Config;
  /** The clock, in epoch milliseconds. */
  now: () => number;
  verifyUserToken: UserTokenVerifier;
}

/** The Hono environment every route sees. */
export type AppEnv = { Variables: RequestLogVariables & CallerVariables };

/** Request bodies larger than this are refused with 413 (webhooks allow more). */
export const MAX_BODY_BYTES = 64 * 1024;

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
  app.use(bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError(413, `The request body is larger than ${MAX_BODY_BYTES / 1024} KB.`);
    },
  }));
  app.use(csp({ formActions: oauthOrigins(deps.config) }));
  app.use(caller({ kv: deps.kv, appUrl: deps.config.appUrl, verifyUserToken: deps.verifyUserToken, now: deps.now }));

  app.route("/", healthRoutes(deps));
  app.route("/static", staticRoutes());
  app.route("/api/competitions", competitionsApi(deps));

  app.notFound((c) => c.json<ErrorBody>({ error: "Not found." }, 404));
  app.onError((error, c) => {
    const requestId = c.var.requestId;
    if (error instanceof AppError) {
      const body: ErrorBody = { error: error.message, requestId };
      if (error instanceof ValidationError) body.issues = error.issues;
      if (error.status >= 500) log("error", "upstream failure", { requestId, error, cause: error.cause });
      return c.json(body, error.status);
    }
    if (error instanceof HTTPException && error.status < 500) {
      return c.json<ErrorBody>({ error: error.message || "The request was refused.", requestId }, error.status);
    }
    log("error", "unhandled error", { requestId, method: c.req.method, path: c.req.path, error });
    return c.json<ErrorBody>({ error: "Something went wrong on our side; please try again.", requestId }, 500);
  });
  return app;
}

/** Origins a form may be redirected to: Whop's and Shopify's OAuth pages. */
function oauthOrigins(config: Config): string[] {
  return [config.whop.origin, config.shopify.origin ?? "https://*.myshopify.com"];
}

/** Reads a JSON request body, or throws a 400 with a clear sentence. */
export async function readJson(c: { req: { json: () => Promise<unknown> } }): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new ValidationError([], "The request body must be valid JSON.");
  }
}
