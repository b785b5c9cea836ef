/** Shared set-up for the Whop modules' tests: a sandbox, settings, KV and a competition. */
import type Whop from "@whop/sdk";
import { loadConfig } from "../config.ts";
import type { Competition, Winner } from "../lib/competitions/competitions.ts";
import { startWhopSandbox, type WhopSandbox } from "../sandbox/whop/mod.ts";
import { TEST_WHOP_SETTINGS, testWhopEnv } from "./test_app.ts";
import { assertWhopContractKept } from "./whop_sandbox.ts";
import { createWhopClient } from "../lib/whop/client.ts";
import type { WhopDeps } from "../lib/whop/deps.ts";
import type { RetryPolicy } from "../lib/whop/once.ts";

/** A creator and a store owner among the sandbox's demo users. */
export const CREATOR = "user_CreatorAvaQ7m2x";
export const WINNER = "user_OwnerCaraT8w3n";

/** Everything a payments test needs; dispose closes the sandbox and KV. */
export interface WhopTestBed extends AsyncDisposable {
  sandbox: WhopSandbox;
  kv: Deno.Kv;
  deps: WhopDeps & { whop: Whop };
  clock: { ms: number };
  /** Another client for the same sandbox (e.g. with SDK retries). */
  client(options?: { maxRetries?: number }): Whop;
}

/** Retries every 60 s of the test clock, leases of 5 minutes. */
export const TEST_RETRY: RetryPolicy = { baseMs: 60_000, maxMs: 600_000, maxAttempts: 5, leaseMs: 5 * 60_000 };

/**
 * Starts a sandbox (company holding `companyUsd`, available at once) and
 * in-memory KV. The sandbox runs on the test clock (unless `realClock`), so
 * moving `clock.ms` also ends its holds (`holdMs`, default the sandbox's).
 */
export async function startWhopTestBed(
  options: { companyUsd?: number; realClock?: boolean; retry?: RetryPolicy; holdMs?: number } = {},
): Promise<WhopTestBed> {
  const clock = { ms: Date.parse("2026-12-10T12:00:00Z") };
  const sandbox = await startWhopSandbox({
    ...TEST_WHOP_SETTINGS,
    companyBalances: { usd: options.companyUsd ?? 0 },
    holdMs: options.holdMs,
    now: options.realClock ? Date.now : () => clock.ms,
  });
  const kv = await Deno.openKv(":memory:");
  const config = loadConfig({
    SANDBOX: "1",
    ...testWhopEnv(sandbox.origin),
  });
  const client = (o: { maxRetries?: number } = {}) => createWhopClient(config, { maxRetries: o.maxRetries ?? 0 })!;
  return {
    sandbox,
    kv,
    clock,
    client,
    deps: {
      kv,
      config,
      now: options.realClock ? Date.now : () => clock.ms,
      whop: client(),
      retry: options.retry ?? TEST_RETRY,
    },
    async [Symbol.asyncDispose]() {
      await sandbox.close();
      try {
        kv.close();
      } catch {
        // Already closed by the test.
      }
      assertWhopContractKept(sandbox);
    },
  };
}

/** A competition as settlement hands it over (not stored: payouts need none). */
export function testCompetition(overrides: Partial<Competition> = {}): Competition {
  return {
    id: "cmp_test01",
    title: "Holiday Cup",
    description: "",
    prize: 30000,
    currency: "USD",
    startDate: "2026-12-02T00:00:00Z",
    endDate: "2026-12-09T00:00:00Z",
    creatorId: CREATOR,
    status: "ACTIVE",
    createdAt: "2026-12-01T00:00:00Z",
    updatedAt: "2026-12-01T00:00:00Z",
    participantCount: 1,
    fundsTxId: "pay_unused",
    prizeSplit: [100],
    metric: "revenue",
    growthMinBaseline: 10000,
    ...overrides,
  };
}

/** The winner of {@link testCompetition}. */
export const testWinner: Winner = {
  participantId: "par_1",
  userId: WINNER,
  displayName: "Cara's Shop",
  shop: "cara.myshopify.com",
  revenue: 123456,
  reachedAt: "2026-12-05T00:00:00Z",
  decidedAt: "2026-12-09T00:01:00Z",
};

/** Polls `condition` every 10 ms until true, or fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A client whose `method` makes the real call and then never answers: the
 * process "dies" after the outside effect, before it records the result.
 */
export function dyingAfterCall(client: Whop, method: "transfers.create" | "payments.refund"): Whop {
  const [resource, name] = method.split(".") as ["transfers" | "payments", "create" | "refund"];
  const target = client[resource] as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const real = target[name].bind(target);
  target[name] = async (...args: unknown[]) => {
    await real(...args);
    return await new Promise(() => {});
  };
  return client;
}
