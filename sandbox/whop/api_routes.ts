/**
 * The REST API under `/api/v1`, as `@whop/sdk@0.0.42` calls it. Each route
 * names the SDK method that reaches it; that name is also its fault key.
 * Every request to an endpoint Whop publishes a schema for is first checked
 * against it (`contracts/contract.ts`) and refused with a 400 when it does
 * not match, as Whop would.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import * as z from "zod/mini";
import {
  checkoutConfigurationJson,
  companyJson,
  experienceJson,
  ledgerAccountJson,
  paymentJson,
  refundJson,
  transferJson,
  userJson,
} from "./api_shapes.ts";
import { WhopApiError } from "./errors.ts";
import type { WhopFaults } from "./faults.ts";
import type { OAuthGrants } from "./oauth_grants.ts";
import type { TransferAttempt } from "./records.ts";
import type { WebhookSender } from "./webhook_sender.ts";
import type { WhopState } from "./whop_state.ts";
import { checkWhopRequest, CONTRACT_SOURCE, type ContractLog } from "./contracts/contract.ts";
import { missingPermissions, permissionRefusal } from "./permissions.ts";

/** Who is calling: the app with its API key, or a user with an OAuth access token. */
type Caller = { kind: "app" } | { kind: "user"; userId: string };

type Env = { Variables: { caller: Caller } };

/** What the API routes need. */
export interface ApiDependencies {
  state: WhopState;
  faults: WhopFaults;
  grants: OAuthGrants;
  webhooks: WebhookSender;
  /** Where each request checked against Whop's published schemas is counted. */
  contract: ContractLog;
  apiKey: string;
  /** The permissions the API key holds (`permissions.ts`); a call needing another is refused with 403. */
  apiKeyPermissions: ReadonlySet<string>;
  /** Where the hosted checkout pages are served (the `purchase_url` origin). */
  checkoutOrigin: () => string;
}

const metadataSchema = z.nullish(z.record(z.string(), z.unknown()));

const checkoutCreateSchema = z.object({
  plan: z.nullish(z.object({
    initial_price: z.number().check(z.positive()),
    currency: z._default(z.string().check(z.minLength(3)), "usd"),
    title: z.nullish(z.string()),
  })),
  plan_id: z.nullish(z.string()),
  mode: z.optional(z.enum(["payment", "setup"])),
  metadata: metadataSchema,
  redirect_url: z.nullish(z.url()),
});

const refundSchema = z.object({ partial_amount: z.nullish(z.number()) });

const transferSchema = z.object({
  amount: z.number(),
  origin_id: z.string().check(z.minLength(1)),
  currency: z.optional(z.string().check(z.minLength(3))),
  destination_id: z.optional(z.string().check(z.minLength(1))),
  idempotence_key: z.nullish(z.string().check(z.minLength(1))),
  metadata: metadataSchema,
  notes: z.nullish(z.string()),
  type: z.optional(z.enum(["ledger", "wallet_send", "claim_link"])),
});

const notificationSchema = z.object({
  title: z.string().check(z.minLength(1)),
  content: z.string().check(z.minLength(1)),
  company_id: z.nullish(z.string()),
  experience_id: z.nullish(z.string()),
  user_ids: z.nullish(z.array(z.string())),
}).check(z.refine((b) => Boolean(b.company_id || b.experience_id), {
  message: "company_id or experience_id is required",
}));

/** A Cursor page holding every item (the sandbox never paginates). */
function page<T>(data: T[]) {
  return {
    data,
    page_info: {
      end_cursor: null,
      start_cursor: null,
      has_next_page: false,
      has_previous_page: false,
    },
  };
}

/** Parses a JSON body against `schema`, or throws a 400 in Whop's shape. */
async function parseBody<T extends z.ZodMiniType>(
  c: Context,
  schema: T,
): Promise<z.infer<T>> {
  const raw = await c.req.json().catch(() => {
    throw new WhopApiError(400, "invalid_request", "Body must be JSON");
  });
  const parsed = z.safeParse(schema, raw);
  if (!parsed.success) {
    throw new WhopApiError(
      400,
      "invalid_request",
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)
        .join("; "),
    );
  }
  return parsed.data;
}

/** The Hono app to mount at `/api/v1`. */
export function apiRoutes(deps: ApiDependencies): Hono<Env> {
  const { state, faults, grants, webhooks, apiKey } = deps;
  const api = new Hono<Env>();
  const replies = new Map<string, { status: number; body: string }>();

  /** An injected failure for `endpoint`, answered in Whop's error shape. */
  function injected(c: Context, endpoint: string): Response | undefined {
    const status = faults.takeFailure(endpoint);
    if (status === undefined) return undefined;
    return c.json(
      new WhopApiError(status, "injected_failure", `Injected ${endpoint} failure`)
        .toJSON(),
      status as 500,
    );
  }

  api.onError((error, c) => {
    const apiError = error instanceof WhopApiError ? error : new WhopApiError(500, "api_error", String(error));
    return c.json(apiError.toJSON(), apiError.status as 400);
  });

  api.use("*", async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7) : "";
    const grant = token ? grants.accessGrant(token) : undefined;
    if (token && token === apiKey) c.set("caller", { kind: "app" });
    else if (grant) c.set("caller", { kind: "user", userId: grant.userId });
    else {
      return c.json(
        new WhopApiError(401, "unauthorized", "Invalid or missing API key")
          .toJSON(),
        401,
      );
    }
    if (c.get("caller").kind === "app") {
      const missing = missingPermissions(c.req.method, apiPath(c.req.path), deps.apiKeyPermissions);
      if (missing.length > 0) throw permissionRefusal(missing);
    }
    await next();
  });

  // Whop's published request contract, before anything else looks at the request.
  api.use("*", async (c, next) => {
    const body = c.req.method === "GET" ? undefined : await c.req.json().catch(() => undefined);
    const check = checkWhopRequest(c.req.method, apiPath(c.req.path), body, c.req.query());
    if (check) {
      deps.contract.record(check);
      if (check.errors.length > 0) {
        throw new WhopApiError(
          400,
          "invalid_request",
          `The request does not match ${check.endpoint} (${CONTRACT_SOURCE}): ${check.errors.join("; ")}`,
        );
      }
    }
    await next();
  });

  // Idempotency-Key replay for POSTs other than transfers (which dedupe by key).
  api.use("*", async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (c.req.method !== "POST" || !key || c.req.path.endsWith("/transfers")) {
      return await next();
    }
    const cacheKey = `${c.req.path} ${key}`;
    const earlier = replies.get(cacheKey);
    if (earlier) {
      return c.body(earlier.body, earlier.status as 200, {
        "content-type": "application/json",
      });
    }
    await next();
    if (c.res.ok) {
      replies.set(cacheKey, {
        status: c.res.status,
        body: await c.res.clone().text(),
      });
    }
  });

  api.get("/users/me", (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "user") {
      throw new WhopApiError(
        403,
        "forbidden",
        "users/me needs a user's OAuth access token",
      );
    }
    return injected(c, "users.retrieve") ??
      c.json(userJson(state, state.requireUser(caller.userId), true));
  });

  api.get("/users/:id/access/:resource_id", (c) =>
    injected(c, "users.checkAccess") ??
      c.json(state.checkAccess(c.req.param("id"), c.req.param("resource_id"))));

  api.get("/experiences/:id", (c) =>
    injected(c, "experiences.retrieve") ??
      c.json(experienceJson(state, state.experiences.require(c.req.param("id")))));

  api.get("/companies/:id", (c) =>
    injected(c, "companies.retrieve") ??
      c.json(companyJson(state, state.requireCompany(c.req.param("id")))));

  api.get("/users/:id", (c) =>
    injected(c, "users.retrieve") ??
      c.json(userJson(state, state.requireUser(c.req.param("id")), false)));

  // A ledger account is read by its owner: the app's key reads its company's, a user's needs that user's token.
  api.get("/ledger_accounts/:id", (c) => {
    const fault = injected(c, "ledgerAccounts.retrieve");
    if (fault) return fault;
    const owner = state.requireAccountOwner(c.req.param("id"));
    const caller = c.get("caller");
    if (caller.kind === "app" ? owner !== state.company.id : caller.userId !== owner) {
      throw new WhopApiError(403, "forbidden", "This ledger account can only be read with its owner's authorization");
    }
    return c.json(ledgerAccountJson(state, owner));
  });

  api.post("/checkout_configurations", async (c) => {
    const fault = injected(c, "checkoutConfigurations.create");
    if (fault) return fault;
    const body = await parseBody(c, checkoutCreateSchema);
    if (body.mode === "setup" || !body.plan) {
      throw new WhopApiError(
        400,
        "invalid_request",
        "The sandbox supports payment mode with an inline `plan` only",
      );
    }
    const record = state.createCheckoutConfiguration({
      amount: body.plan.initial_price,
      currency: body.plan.currency,
      title: body.plan.title ?? null,
      metadata: body.metadata ?? null,
      redirectUrl: body.redirect_url ?? null,
      origin: deps.checkoutOrigin(),
    });
    return c.json(checkoutConfigurationJson(record));
  });

  api.get("/checkout_configurations", (c) => {
    const accountId = c.req.query("account_id");
    if (accountId !== undefined) state.requireCompany(accountId);
    return injected(c, "checkoutConfigurations.list") ??
      c.json(page(
        state.checkoutConfigurations
          .filter((record) => accountId === undefined || record.accountId === accountId)
          .map(checkoutConfigurationJson),
      ));
  });

  api.get("/checkout_configurations/:id", (c) =>
    injected(c, "checkoutConfigurations.retrieve") ??
      c.json(checkoutConfigurationJson(
        state.requireCheckoutConfiguration(c.req.param("id")),
      )));

  api.get("/payments", (c) =>
    injected(c, "payments.list") ??
      c.json(page(state.payments.map((p) => paymentJson(state, p)))));

  api.get("/payments/:id", (c) =>
    injected(c, "payments.retrieve") ??
      c.json(paymentJson(state, state.requirePayment(c.req.param("id")))));

  api.post("/payments/:id/refund", async (c) => {
    const fault = injected(c, "payments.refund");
    if (fault) return fault;
    const body = await parseBody(c, refundSchema);
    const refund = state.refund(c.req.param("id"), body.partial_amount ?? null, faults.takeRefundOutcome());
    webhooks.send("refund.created", refundJson(state, refund));
    return c.json(paymentJson(state, state.requirePayment(refund.paymentId)));
  });

  api.get("/refunds/:id", (c) =>
    injected(c, "refunds.retrieve") ??
      c.json(refundJson(state, state.requireRefund(c.req.param("id")))));

  api.post("/transfers", async (c) => {
    const raw = await c.req.json().catch(() => ({}));
    const attempt: TransferAttempt = {
      receivedAt: state.nowIso(),
      body: raw,
      idempotenceKey: typeof raw?.idempotence_key === "string" ? raw.idempotence_key : null,
      idempotencyKeyHeader: c.req.header("idempotency-key") ?? null,
      outcome: "rejected",
      status: 200,
      transferId: null,
      error: null,
    };
    state.transferAttempts.push(attempt);
    const fault = injected(c, "transfers.create");
    if (fault) {
      attempt.outcome = "injected_failure";
      attempt.status = fault.status;
      return fault;
    }
    try {
      const body = z.parse(transferSchema, raw);
      if ((body.type ?? "ledger") !== "ledger") {
        throw new WhopApiError(
          400,
          "invalid_request",
          "The sandbox simulates ledger transfers only",
        );
      }
      if (!body.currency || !body.destination_id) {
        throw new WhopApiError(
          400,
          "invalid_request",
          "currency and destination_id are required for ledger transfers",
        );
      }
      const { transfer, replayed } = state.transfer({
        amount: body.amount,
        currency: body.currency,
        originId: body.origin_id,
        destinationId: body.destination_id,
        idempotenceKey: body.idempotence_key ?? attempt.idempotencyKeyHeader,
        metadata: body.metadata ?? null,
        notes: body.notes ?? null,
      });
      attempt.outcome = replayed ? "replayed" : "created";
      attempt.transferId = transfer.id;
    } catch (error) {
      const apiError = error instanceof z.core.$ZodError
        ? new WhopApiError(400, "invalid_request", error.message)
        : error;
      attempt.status = apiError instanceof WhopApiError ? apiError.status : 500;
      attempt.error = apiError instanceof Error ? apiError.message : String(apiError);
      throw apiError;
    }
    const json = transferJson(state, state.requireTransfer(attempt.transferId));
    const failure = attempt.outcome === "created" ? faults.takeTransferResponseFailure() : undefined;
    if (failure === "error") {
      attempt.status = 500;
      throw new WhopApiError(500, "api_error", "Injected failure after apply");
    }
    if (failure === "drop") return droppedResponse();
    return c.json(json);
  });

  api.get("/transfers", (c) => {
    const origin = c.req.query("origin_id");
    const destination = c.req.query("destination_id");
    const owner = (id: string | undefined) => id === undefined ? undefined : state.requireAccountOwner(id);
    const [originId, destinationId] = [owner(origin), owner(destination)];
    return injected(c, "transfers.list") ?? c.json(page(
      state.transfers
        .filter((t) =>
          (originId === undefined || t.originId === originId) &&
          (destinationId === undefined || t.destinationId === destinationId)
        )
        .map((t) => transferJson(state, t)),
    ));
  });

  api.get("/transfers/:id", (c) =>
    injected(c, "transfers.retrieve") ??
      c.json(transferJson(state, state.requireTransfer(c.req.param("id")))));

  api.post("/notifications", async (c) => {
    const fault = injected(c, "notifications.create");
    if (fault) return fault;
    const body = await parseBody(c, notificationSchema);
    const userIds = body.user_ids ?? null;
    // A company notification reaches the company's team only; an experience one, its members (here: those listed).
    const deliveredTo = body.company_id
      ? [...state.teamUserIds].filter((id) => userIds === null || userIds.includes(id))
      : userIds ?? [];
    state.notifications.push({
      receivedAt: state.nowIso(),
      companyId: body.company_id ?? null,
      experienceId: body.experience_id ?? null,
      title: body.title,
      content: body.content,
      userIds,
      deliveredTo,
      body: await c.req.json(),
    });
    return c.json({ success: true });
  });

  api.all("*", (c) => {
    throw new WhopApiError(
      404,
      "not_found",
      `${c.req.method} ${c.req.path} is not simulated`,
    );
  });

  return api;
}

/** A request path under `/api/v1`, e.g. `/transfers`. */
function apiPath(path: string): string {
  return path.replace(/^.*?\/api\/v1/, "");
}

/**
 * A 200 whose body is cut short: it promises more bytes than it sends, so
 * the client's body read fails as a dropped connection would.
 */
function droppedResponse(): Response {
  const partial = new TextEncoder().encode('{"id":');
  return new Response(
    new ReadableStream({
      start(controller) {
        controller.enqueue(partial);
        controller.close();
      },
    }),
    { headers: { "content-type": "application/json", "content-length": "512" } },
  );
}
