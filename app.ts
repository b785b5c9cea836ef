/**
 * The one place the product is assembled, for `main.ts`, the tests and the
 * benchmarks alike: `createApp` builds the HTTP app (middleware every route
 * shares, the route modules, the one place typed errors become responses);
 * `buildRuntime` builds everything a process runs around it (the simulators
 * in sandbox mode, the outside clients, the lifecycle services, the queue
 * worker). Test options (a clock, a token verifier, client pacing) are
 * parameters, so a test runs the same assembly as production. `sandbox/` is
 * loaded with `import()` in sandbox mode only: this module imports only its
 * types, so a production process loads none of it.
 */
import { type Context, type Env, Hono, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { secureHeaders } from "hono/secure-headers";
import { HTTPException } from "hono/http-exception";
import type { Config } from "./config.ts";
import { AppError, ValidationError } from "./lib/core/errors.ts";
import { log } from "./lib/core/log.ts";
import { QueueWorker } from "./lib/core/queue.ts";
import { caller } from "./lib/web/middleware/caller.ts";
import { clientAddress } from "./lib/web/middleware/client_address.ts";
import { RateLimitedError, SampledRefusal } from "./lib/web/rate_limit.ts";
import { requestLog } from "./lib/web/middleware/request_log.ts";
import { csp, WHOP_FRAME_ANCESTORS } from "./lib/web/middleware/csp.ts";
import { competitionId } from "./lib/web/middleware/competition_id.ts";
import { visibilityGate } from "./lib/web/middleware/visibility.ts";
import { createUserTokenVerifier, type UserTokenVerifier } from "./lib/whop/user_token.ts";
import { createWhopClient } from "./lib/whop/client.ts";
import {
  createWhopLifecycle,
  createWhopNotificationSender,
  registerWhopJobs,
  type RetryPolicy,
} from "./lib/whop/mod.ts";
import { WHOP_WEBHOOK_PATH } from "./lib/whop/webhooks.ts";
import {
  createShopifyServices,
  registerShopifyJobs,
  type ShopifyServicesDeps,
  WEBHOOK_PATH as SHOPIFY_WEBHOOK_PATH,
} from "./lib/shopify/mod.ts";
import { registerSettlementJobs } from "./lib/competitions/settlement.ts";
import type { SeasonServices } from "./lib/seasons/season_end.ts";
import { type AppDeps, type AppEnv, type ErrorBody, MAX_BODY_BYTES } from "./routes/_env.ts";
import { healthRoutes } from "./routes/health.ts";
import { staticRoutes } from "./routes/static.ts";
import { competitionsApiRoutes } from "./routes/competitions_api.ts";
import { flagsApiRoutes } from "./routes/flags_api.ts";
import { resultsExportRoutes } from "./routes/results_export.ts";
import { seasonsApiRoutes } from "./routes/seasons_api.ts";
import { authRoutes } from "./routes/auth.ts";
import { whopRoutes } from "./routes/whop_api.ts";
import { userApiRoutes } from "./routes/user_api.ts";
import { pageRoutes } from "./routes/pages/mod.ts";
import { renderErrorPage } from "./routes/pages/error_page.tsx";
import { eventsApiRoutes } from "./routes/events_api.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { webhookMetrics } from "./lib/web/middleware/webhook_metrics.ts";
import { createLiveHub, type LiveHub } from "./lib/live/hub.ts";
import { adminApiRoutes, type OperatorJobs } from "./routes/admin_api.ts";
import { JOBS, triggerJob } from "./cron/schedule.ts";
import { publicApiRoutes } from "./routes/public_api.ts";
import { embedRoutes } from "./routes/embed.ts";
import { tvRoutes } from "./routes/tv.ts";
import { shareCardRoutes } from "./routes/share_card.ts";
import { shopifyRoutes } from "./routes/shopify.ts";
import { sandboxRoutes } from "./routes/sandbox.ts";
import type { SandboxControls, SandboxDemo, Simulators } from "./sandbox/mode.ts";

export type { AppDeps, AppEnv } from "./routes/_env.ts";

/** What the app is assembled from: the routes' dependencies and, in sandbox mode, the sandbox's time controls. */
export interface AppAssembly extends AppDeps {
  /** The sandbox routes' controls (`sandbox/mode.ts`); those routes are mounted in sandbox mode when they are given. */
  sandboxControls?: SandboxControls;
  /**
   * The origins a form may be redirected to (`form-action`), besides the
   * app's own; default {@link formActionOrigins} of the settings. Tests pass
   * production's to browse the simulators under production's policy.
   */
  formActions?: string[];
}

/**
 * The webhook paths: their routes apply their own, larger body limit, and they answer machines with JSON, so
 * no page policy (CSP nonce) and no caller (no cookie or user token is sent) is computed for them.
 */
const WEBHOOK_PATHS = new Set<string>([WHOP_WEBHOOK_PATH, SHOPIFY_WEBHOOK_PATH]);

/** `middleware`, skipped on the webhook paths. */
function exceptWebhooks<E extends Env>(middleware: MiddlewareHandler<E>): MiddlewareHandler<E> {
  return (c, next) => WEBHOOK_PATHS.has(c.req.path) ? next() : middleware(c, next);
}

/**
 * Builds the app.
 *
 * @example
 * const app = createApp({ kv, config, now: Date.now, verifyUserToken });
 * Deno.serve(app.fetch);
 */
export function createApp(deps: AppAssembly): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const live = deps.live ?? createLiveHub(deps.kv);
  app.use(requestLog({
    quietPaths: ["/healthz", "/metrics"],
    routinePaths: /^\/api\/(shopify\/webhooks|webhooks\/whop|competitions\/[^/]+\/events)$/,
  }));
  app.use(clientAddress({ trustedProxies: deps.config.trustProxy }));
  app.use(webhookMetrics({ shopify: SHOPIFY_WEBHOOK_PATH, whop: WHOP_WEBHOOK_PATH }));
  app.use(secureHeaders({ xFrameOptions: false, crossOriginResourcePolicy: "same-site" }));
  const defaultBodyLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError(413, `The request body is larger than ${MAX_BODY_BYTES / 1024} KB.`);
    },
  });
  // Webhook routes set their own, larger limit.
  app.use(exceptWebhooks(defaultBodyLimit));
  // Whop frames the app; with `WHOP_ORIGIN` set (the simulated Whop) that origin frames it too.
  app.use(exceptWebhooks(
    csp({
      formActions: deps.formActions ?? formActionOrigins(deps.config),
      frameAncestors: [...WHOP_FRAME_ANCESTORS, deps.config.whop.origin],
    }),
  ));
  // Form posts must come from our own pages. A user-token header cannot be sent cross-site without CORS,
  // so API clients that authenticate with it (and may send no Origin) are not checked.
  const sameOriginForms = csrf({ origin: deps.config.appUrl });
  app.use((c, next) => c.req.header("x-whop-user-token") ? next() : sameOriginForms(c, next));
  app.use(exceptWebhooks(
    caller({
      kv: deps.kv,
      appUrl: deps.config.appUrl,
      verifyUserToken: deps.verifyUserToken,
      now: deps.now,
      operatorIds: deps.config.adminUserIds,
    }),
  ));

  for (
    const path of [
      "/api/competitions/:id",
      "/api/competitions/:id/*",
      "/competitions/:id",
      "/competitions/:id/*",
      "/api/public/competitions/:id",
      "/embed/competitions/:id",
      "/sandbox/competitions/:id/*",
    ]
  ) {
    // First on every route of a competition: one it may not see is a 404 whatever the route would answer.
    app.use(path, competitionId(), visibilityGate(deps, { pages: ["new"] }));
  }
  for (const path of ["/api/seasons/:id", "/api/seasons/:id/*", "/seasons/:id", "/seasons/:id/*"]) {
    // Seasons likewise (`/seasons/new` is a page).
    app.use(path, competitionId({ noun: "season" }), visibilityGate(deps, { pages: ["new"], of: "season" }));
  }

  // Routing: every module of `routes/` exports `xxxRoutes(deps): Hono<AppEnv>` whose routes carry their full
  // paths (`/api/competitions/:id`, `/static/*`), and is mounted here at "/": a path is found by searching for it.
  app.route("/", healthRoutes(deps));
  app.route("/", metricsRoutes({ ...deps, live }));
  app.route("/", staticRoutes());
  app.route("/", competitionsApiRoutes(deps));
  app.route("/", seasonsApiRoutes(deps));
  app.route("/", flagsApiRoutes(deps));
  app.route("/", resultsExportRoutes(deps));
  app.route("/", authRoutes(deps));
  app.route("/", whopRoutes(deps));
  app.route("/", userApiRoutes(deps));
  app.route("/", shopifyRoutes({ ...deps, shopify: deps.shopify ?? createShopifyServices(deps) }));
  app.route("/", eventsApiRoutes({ ...deps, live }));
  app.route("/", publicApiRoutes(deps));
  app.route("/", embedRoutes(deps));
  app.route("/", tvRoutes(deps));
  app.route("/", shareCardRoutes(deps));

  if (deps.lifecycle) app.route("/", adminApiRoutes({ ...deps, jobs: operatorJobs(deps.lifecycle) }));
  // Sandbox-only controls (fast-forward, start now); absent, and so 404, otherwise.
  if (deps.config.sandbox && deps.lifecycle && deps.sandboxControls) {
    app.route("/", sandboxRoutes({ ...deps, lifecycle: deps.lifecycle, controls: deps.sandboxControls }));
  }
  app.route("/", pageRoutes(deps));

  /** JSON under `/api`, an HTML page anywhere else. */
  const respond = (c: Context<AppEnv>, body: ErrorBody, status: ContentfulStatusCode) =>
    isApiPath(c.req.path) ? c.json(body, status) : renderErrorPage(c, deps, status, body.error);
  app.notFound((c) => respond(c, { error: "Not found.", requestId: c.var.requestId }, 404));
  app.onError((error, c) => {
    const requestId = c.var.requestId;
    if (error instanceof AppError) {
      const body: ErrorBody = { error: error.message, requestId };
      if (error instanceof ValidationError) body.issues = error.issues;
      if (error instanceof RateLimitedError) c.header("retry-after", String(error.retryAfterS));
      if (error instanceof SampledRefusal) c.set("sampledRefusal", true);
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

/** The scheduled jobs (`cron/schedule.ts`) for the operators' API, run with `lifecycle`. */
function operatorJobs(lifecycle: SeasonServices): OperatorJobs {
  return {
    list: JOBS,
    run(name) {
      const job = JOBS.find((candidate) => candidate.name === name);
      return job ? triggerJob(lifecycle, job) : Promise.resolve(false);
    },
  };
}

/** Whether a path belongs to the JSON API (errors there are JSON). */
function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/");
}

/**
 * Origins a form may be redirected to (`form-action`, besides the app's
 * own): Whop's and Shopify's OAuth pages. In production
 * `https://api.whop.com https://*.myshopify.com`; Whop's checkout is on
 * neither, so funding never redirects a form there.
 */
export function formActionOrigins(config: Pick<Config, "whop" | "shopify">): string[] {
  return [config.whop.origin, config.shopify.origin ?? "https://*.myshopify.com"];
}

/** Everything a process of the product runs. */
export interface Runtime {
  /** The effective settings (sandbox origins filled in). */
  config: Config;
  deps: AppAssembly & { lifecycle: SeasonServices; live: LiveHub };
  app: ReturnType<typeof createApp>;
  lifecycle: SeasonServices;
  worker: QueueWorker;
  /** The simulators this process started (sandbox mode). */
  sandboxes: Simulators;
  /**
   * Sandbox mode with both simulators only: seeds the demo world (once per
   * data file) and starts the simulated customers (`sandbox/demo/`).
   * Call once the app listens on `config.port`.
   */
  startDemo?: (options?: { ordersPerMinute?: number }) => SandboxDemo;
  /** Sandbox mode: the lines to print once the app listens (where the app and the simulators are). */
  banner?: string;
}

/** What a test or bench changes in the assembly; production passes none. */
export interface RuntimeOptions {
  /** The clock, in epoch milliseconds (default `Date.now`). */
  now?: () => number;
  /** Payout and refund timings (tests of crashes shorten the lease). */
  payoutRetry?: RetryPolicy;
  /** Checks user tokens; default: against the JWKS of `config.whop.origin`. */
  verifyUserToken?: UserTokenVerifier;
  /** The Whop SDK client's retries and timeout. */
  whopClient?: Parameters<typeof createWhopClient>[1];
  /** The Shopify client's page size and sleep (tests move a clock instead of sleeping). */
  shopifyClient?: Pick<ShopifyServicesDeps, "pageSize" | "sleep">;
  /**
   * Start the built-in simulators in sandbox mode when no credentials point
   * elsewhere (default true). Tests that start their own pass false.
   */
  simulators?: boolean;
  /** `AppAssembly.formActions`: the `form-action` origins instead of the settings' (production's, in tests). */
  formActions?: string[];
}

/**
 * Opens the KV store at `path` (a file, `:memory:` or a remote URL). For a
 * file, a missing folder is created readable by this user only (0700) and
 * the database files are made 0600: they hold sessions and encrypted tokens.
 */
export async function openKv(path: string): Promise<Deno.Kv> {
  if (path === ":memory:" || /^https?:\/\//.test(path)) return Deno.openKv(path);
  const dir = path.replace(/[^/]*$/, "");
  if (dir && !(await exists(dir))) await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const kv = await Deno.openKv(path);
  if (Deno.build.os !== "windows") {
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      if (await exists(file)) await Deno.chmod(file, 0o600);
    }
  }
  return kv;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Builds the product on `kv`. The queue worker is created with every job
 * type registered but not yet listening. `payoutRetry` overrides the payout
 * and refund timings (tests of crashes shorten the lease).
 *
 * @example
 * const runtime = await buildRuntime(loadConfig(Deno.env.toObject()), kv);
 * runtime.worker.listen();
 * Deno.serve(runtime.app.fetch);
 */
export async function buildRuntime(
  settings: Config,
  kv: Deno.Kv,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const now = options.now ?? Date.now;
  const appOrigin = `http://127.0.0.1:${settings.port}`;
  // The only place `sandbox/` is loaded, and only in sandbox mode.
  const sandbox = settings.sandbox ? await import("./sandbox/mode.ts") : undefined;
  const started = sandbox && (options.simulators ?? true) ? await sandbox.startSandbox(settings, appOrigin) : undefined;
  const config = started?.config ?? settings;

  const whop = createWhopClient(config, options.whopClient);
  const sendNotification = createWhopNotificationSender(whop, kv);
  const shopify = createShopifyServices({ kv, config, now, sendNotification, ...options.shopifyClient });
  const whopDeps = { kv, config, now, whop, retry: options.payoutRetry, sendNotification };
  const lifecycle: SeasonServices = {
    kv,
    now,
    syncParticipant: shopify.syncParticipant,
    queueSync: shopify.startBackfill,
    isConnectedStore: async (shop, userId) => (await shopify.connections.get(shop))?.ownerUserId === userId,
    settlementDelayMs: config.settlementDelayS * 1000,
    ...createWhopLifecycle(whopDeps),
  };
  const deps = {
    kv,
    config,
    now,
    whop,
    shopify,
    lifecycle,
    live: createLiveHub(kv),
    sandboxControls: sandbox?.SANDBOX_CONTROLS,
    formActions: options.formActions,
    verifyUserToken: options.verifyUserToken ?? createUserTokenVerifier({
      jwksUrl: new URL("/.well-known/jwks.json", config.whop.origin),
      appId: config.whop.appId ?? "app_sandbox",
    }),
  };
  const worker = new QueueWorker(kv);
  registerWhopJobs(worker, whopDeps);
  registerShopifyJobs(worker, shopify);
  registerSettlementJobs(worker, lifecycle);
  const startDemo = started?.startDemo;
  return {
    config,
    deps,
    app: createApp(deps),
    lifecycle,
    worker,
    sandboxes: started?.simulators ?? {},
    banner: started?.banner,
    startDemo: startDemo && ((demo) => startDemo({ kv, lifecycle }, demo)),
  };
}
