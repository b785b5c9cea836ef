/**
 * What every route shares: the Hono environment type, the dependencies the
 * app is built from, and the error body. Routes import this module (and
 * `lib/`), never `app.ts` or one another, so the import graph has no cycle:
 * `main.ts` → `app.ts` → `routes/` → `lib/`.
 */
import type Whop from "@whop/sdk";
import type { Config } from "../config.ts";
import type { CallerVariables } from "../lib/web/middleware/caller.ts";
import type { RequestLogVariables } from "../lib/web/middleware/request_log.ts";
import type { ClientAddressVariables, ServeBindings } from "../lib/web/middleware/client_address.ts";
import type { UserTokenVerifier } from "../lib/whop/user_token.ts";
import type { LiveHub } from "../lib/live/hub.ts";
import type { SeasonServices } from "../lib/seasons/season_end.ts";
import type { ShopifyServices } from "../lib/shopify/mod.ts";

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
  /** The scheduled jobs' services (competitions' and seasons'); the operators' API is mounted only with them. */
  lifecycle?: SeasonServices;
}

/** The Hono environment every route sees (`Bindings`: the connection info Deno.serve passes). */
export type AppEnv = {
  Bindings: ServeBindings;
  Variables: RequestLogVariables & CallerVariables & ClientAddressVariables;
};

/** Request bodies larger than this are refused with 413 (webhooks allow more). */
export const MAX_BODY_BYTES = 64 * 1024;

/** The JSON body of every error response. */
export interface ErrorBody {
  error: string;
  issues?: { path: string; message: string }[];
  requestId?: string;
}
