/**
 * The sandbox's demo world, so a first `deno task start` shows a product in
 * use: a live competition with five demo stores in two divisions (placed by
 * the sales each store had before) and simulated customers, a season of
 * weekly rounds in the same two divisions with the same stores (its round 1
 * racing beside the live competition), an
 * upcoming funded one, a completed one with its winner paid, and one that
 * belongs to a Whop community (`DEMO_COMMUNITY`: Ben runs it, some demo users
 * are members, the others are not and get 404 for it). What each is lives in
 * `data.ts`; everything is made the way a person would make it, over HTTP
 * (`driver.ts`).
 *
 * Only two things are not a person's doing: the status job is run at once
 * when a start passes (as the minute cron would), and the completed
 * competition, which validation only lets start in the future and last an
 * hour or more, is ended with the sandbox fast-forward (`fast_forward.ts`)
 * after a few orders, so its settlement and payout are the production ones.
 * Its payout waits for the simulated Whop to clear the prize's funds (a 30 s
 * hold), so it shows "Waiting for funds to clear" and then "Paid out" within
 * a minute of the start; the seeding does not wait for it.
 *
 * Seeding happens once per data file (`claim.ts`): a process claims the
 * marker `["sandbox_demo"]` with an atomic check (two starts on one file
 * cannot both seed), records each competition and the season as soon as
 * they are funded, and marks the world seeded at the end. A seeding that
 * stops — a failed step (tried again three times, each with a longer lead
 * before the starts), the process stopped (SIGTERM, Ctrl-C) or killed —
 * resumes from what was recorded: nothing is made, joined or sold twice.
 * When the live competition has ended (fast-forwarded by a visitor, or an
 * old data file), a new live one is seeded with the same stores, under a
 * lease, recorded once funded so a try that stops does not make it twice.
 */
import { keys } from "../../lib/core/db.ts";
import { type Competition, getCompetition, isOpenForJoining } from "../../lib/competitions/competitions.ts";
import { acquireLease } from "../../lib/core/leases.ts";
import { log } from "../../lib/core/log.ts";
import type { SeasonServices } from "../../lib/seasons/season_end.ts";
import { saveUser } from "../../lib/core/users.ts";
import { runStatusJob } from "../../cron/status_job.ts";
import { runSeasonJob } from "../../cron/season_job.ts";
import { getSeason } from "../../lib/seasons/seasons.ts";
import { DEFAULT_DEMO_USERS } from "../whop/mod.ts";
import { type Customers, startCustomers } from "./customers.ts";
import { fastForwardCompetition } from "./fast_forward.ts";
import {
  type CompetitionPlan,
  DEMO_COMMUNITY,
  DEMO_STORE_OWNERS,
  type DemoStoreOwner,
  livePlan,
  seasonPlan,
  SPRINT_SALES,
  worldPlans,
} from "./data.ts";
import { createAndFund, createAndFundSeason, DemoSeedError, type DriverDeps, joinWithStore } from "./driver.ts";
import {
  claimSeeding,
  type DemoWorld,
  giveClaimBack,
  readDemoWorld,
  recordSeeding,
  renewClaim,
  updateDemoWorld,
} from "./claim.ts";

/** What the demo needs: the app's pieces and this process's simulators. */
export interface DemoDeps extends DriverDeps {
  lifecycle: SeasonServices;
  /** How far ahead a seeded competition starts (it is funded before), default 3 s. */
  leadMs?: number;
  /** Stops a seeding at its next step (the process is stopping); it resumes on the next start. */
  signal?: AbortSignal;
}

/** How long the lease on seeding a new live competition lasts. */
const RESEED_LEASE_MS = 120_000;

/** A whole second `leadMs` ahead (orders carry whole seconds, so a start on one counts them all). */
function startAhead(deps: DemoDeps): number {
  return Math.ceil((Date.now() + (deps.leadMs ?? 3_000)) / 1000) * 1000;
}

/** Waits `ms`, or until `signal` aborts (then throws its reason). */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  if (ms <= 0) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", stop, { once: true });
  });
}

/**
 * Waits until the latest start of the competitions `ids`, then runs the
 * status job, which starts the ones due, as the minute cron would. Each must
 * have started (a resumed seeding may find one ended since).
 */
async function startWhenDue(deps: DemoDeps, ids: string[]): Promise<void> {
  const competitions = await Promise.all(ids.map((id) => getCompetition(deps.kv, id)));
  const startMs = Math.max(...competitions.map((competition) => Date.parse(competition.startDate)));
  await pause(startMs - deps.lifecycle.now() + 5, deps.signal);
  await runStatusJob(deps.lifecycle);
  for (const id of ids) {
    const competition = await getCompetition(deps.kv, id);
    if (competition.status === "UPCOMING") throw new DemoSeedError(`${competition.title} did not start`);
  }
}

/** Every owner in `owners` joins the competition (or, with `seasons`, the season) `id`, one after the other. */
async function joinAll(
  deps: DemoDeps,
  id: string,
  owners: readonly DemoStoreOwner[],
  kind?: "competitions" | "seasons",
): Promise<void> {
  for (const owner of owners) {
    deps.signal?.throwIfAborted();
    await joinWithStore(deps, id, owner, kind);
  }
}

/** The competition the marker records under `field`, else the one `plan` makes, funded and recorded at once. */
async function madeOnce(
  deps: DemoDeps,
  world: DemoWorld,
  field: "activeId" | "completedId" | "upcomingId" | "communityId",
  plan: CompetitionPlan,
): Promise<Competition> {
  const id = world[field];
  if (id) return await getCompetition(deps.kv, id);
  deps.signal?.throwIfAborted();
  const competition = await createAndFund(deps, plan);
  await recordSeeding(deps.kv, { [field]: competition.id });
  return competition;
}

/**
 * Seeds the demo season, or picks up the one recorded: created and funded
 * by Ava, its round 1 made by the season job, every demo store joined (each
 * connected already, so at once), and started (round 1 and the season
 * ACTIVE) when its start passes, as the minute crons would. Its lead is
 * longer than the competitions' (a season's checkout must be paid before
 * round 1 starts).
 */
async function seedSeason(deps: DemoDeps, world: DemoWorld): Promise<void> {
  const plan = seasonPlan(startAhead({ ...deps, leadMs: (deps.leadMs ?? 3_000) + 3_000 }));
  let seasonId = world.seasonId;
  if (!seasonId) {
    deps.signal?.throwIfAborted();
    seasonId = (await createAndFundSeason(deps, plan)).id;
    await recordSeeding(deps.kv, { seasonId });
  }
  await runSeasonJob(deps.lifecycle);
  const [round1] = (await getSeason(deps.kv, seasonId)).roundIds;
  if (!round1) throw new DemoSeedError(`${plan.body.title}: round 1 was not made`);
  await joinAll(deps, seasonId, plan.stores, "seasons");
  await startWhenDue(deps, [round1]);
  await runSeasonJob(deps.lifecycle);
  const started = await getSeason(deps.kv, seasonId);
  if (started.status !== "ACTIVE") throw new DemoSeedError(`${plan.body.title} did not start`);
}

/** What `seedDemoWorld` did. */
export type SeedOutcome = "seeded" | "already_seeded" | "seeded_elsewhere" | "stopped";

/**
 * Seeds the demo world unless this data file already has it, resuming a
 * seeding that stopped. Calls `onLive` once the live competition is ACTIVE
 * with its stores and the completed one is settling (the customers may buy
 * from then on). Returns `stopped` when `deps.signal` stopped it (its claim
 * given back, what it made recorded).
 */
export async function seedDemoWorld(
  deps: DemoDeps,
  onLive?: (activeId: string, shops: string[]) => void,
): Promise<SeedOutcome> {
  // The simulated Whop keeps no experiences across restarts: the community is declared on every start.
  deps.whop.experiences.add(DEMO_COMMUNITY);
  // Another seeding in progress (here or in another process): wait for it, or take over if it gives up.
  let waited = false;
  let world: DemoWorld;
  for (;;) {
    if (deps.signal?.aborted) return "stopped";
    const claimed = await claimSeeding(deps.kv, Date.now());
    if (claimed === "seeded") return waited ? "seeded_elsewhere" : "already_seeded";
    if (claimed !== "busy") {
      world = claimed;
      break;
    }
    waited = true;
    await pause(500, deps.signal).catch(() => {});
  }
  const made = Object.keys(world).filter((field) => field.endsWith("Id") || field === "sprintSold");
  if (made.length > 0) log("info", "sandbox demo: resuming a seeding that stopped", { made });
  const lost = new AbortController();
  const stopRenewing = renewClaim(
    deps.kv,
    () => lost.abort(new DemoSeedError("another process took the seeding over")),
  );
  const signal = deps.signal ? AbortSignal.any([deps.signal, lost.signal]) : lost.signal;
  try {
    return await seedClaimed({ ...deps, signal }, world, onLive);
  } catch (error) {
    // Let a later attempt (this process's retry, or the next start) claim it again and resume.
    stopRenewing();
    await giveClaimBack(deps.kv).catch((cause) => {
      log("warn", "sandbox demo: the seeding's claim could not be given back", { error: cause });
    });
    if (deps.signal?.aborted) {
      log("info", "sandbox demo: seeding stopped; the next start resumes it");
      return "stopped";
    }
    throw error;
  } finally {
    stopRenewing();
  }
}

async function seedClaimed(
  deps: DemoDeps,
  claimed: DemoWorld,
  onLive?: (activeId: string, shops: string[]) => void,
): Promise<SeedOutcome> {
  const started = Date.now();
  const at = Date.now();
  for (const user of [...DEFAULT_DEMO_USERS, ...DEMO_STORE_OWNERS]) {
    await saveUser(deps.kv, { id: user.id, name: user.name, username: user.username }, at);
  }
  for (const owner of DEMO_STORE_OWNERS) {
    deps.shopify.createShop({ shop: owner.shop, name: owner.storeName, currency: "USD", email: owner.email });
    // The simulated Shopify keeps its shops across starts: a resumed seeding finds their sales there.
    if (deps.shopify.orders(owner.shop).length === 0) addSalesBefore(deps, owner, at);
  }
  const startMs = startAhead(deps);
  const plans = worldPlans(startMs, Date.now());
  // Fund both short-lead competitions before their start, then join.
  const [active, completed] = await Promise.all([
    madeOnce(deps, claimed, "activeId", plans.live),
    madeOnce(deps, claimed, "completedId", plans.completed),
  ]);
  const upcoming = await madeOnce(deps, claimed, "upcomingId", plans.upcoming);
  await madeOnce(deps, claimed, "communityId", plans.community);
  await joinAll(deps, active.id, plans.live.stores);
  await startWhenDue(deps, [active.id, completed.id]);
  const shops = plans.live.stores.map((owner) => owner.shop);
  log("info", "sandbox demo: live competition ready", { competitionId: active.id, ms: Date.now() - started });

  await joinAll(deps, upcoming.id, plans.upcoming.stores);
  if ((await getCompetition(deps.kv, completed.id)).status === "ACTIVE") {
    await joinAll(deps, completed.id, plans.completed.stores);
    deps.signal?.throwIfAborted();
    // Recorded before they are placed: a seeding cut short in between leaves the sprint short, never sold twice.
    if (!claimed.sprintSold) {
      await recordSeeding(deps.kv, { sprintSold: true });
      for (const [store, amount] of SPRINT_SALES) {
        deps.shopify.createOrder(plans.completed.stores[store].shop, { totalPrice: amount });
      }
    }
    await deps.shopify.flushWebhooks();
    // The sprint ends now; its orders after this never count, so the customers can start. It settles after the
    // sandbox's settlement window, and its payout waits for the simulated Whop's hold: nothing to wait for here.
    await fastForwardCompetition(deps.lifecycle, completed.id, { payoutMs: 0 });
  }
  onLive?.(active.id, shops);
  // Seeded while the sprint's settlement window runs out.
  await seedSeason(deps, claimed);
  const settled = await completeAfterWindow(deps, completed.id);
  if (settled.status !== "COMPLETED") throw new DemoSeedError(`${plans.completed.title} did not settle`);

  // Each competition and the season were recorded as they were made.
  const world = await recordSeeding(deps.kv, {
    state: "seeded",
    holder: "",
    seededAt: new Date().toISOString(),
    shops,
  });
  log("info", "sandbox demo seeded", { ms: Date.now() - started, ...world });
  return "seeded";
}

/**
 * A store's sales over the 30 days before `now` (`salesBefore`), evenly
 * spread, each order within 30% of the average: what places it in the live
 * competition's divisions at the start, and its hourly average for spikes.
 */
function addSalesBefore(deps: DemoDeps, owner: DemoStoreOwner, now: number): void {
  const [orders, cents] = owner.salesBefore;
  const span = 29 * 86_400_000;
  for (let i = 0; i < orders; i++) {
    const amount = Math.round(cents * (0.7 + 0.6 * ((i * 7919) % 100) / 100));
    const totalPrice = `${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, "0")}`;
    deps.shopify.createOrder(owner.shop, { totalPrice, createdAt: now - 3600_000 - Math.floor((span * i) / orders) });
  }
}

/**
 * Waits out a settling competition's window (`SETTLEMENT_DELAY_S`, 30 s in
 * the sandbox) and runs the status job, which completes it as the minute
 * cron would.
 */
async function completeAfterWindow(deps: DemoDeps, id: string): Promise<Competition> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const competition = await getCompetition(deps.kv, id);
    if (competition.status !== "SETTLING") return competition;
    const wait = Date.parse(competition.settlesAt ?? competition.endDate) - deps.lifecycle.now();
    await pause(wait + 5, deps.signal);
    await runStatusJob(deps.lifecycle);
  }
  return await getCompetition(deps.kv, id);
}

/** Whether the live demo competition is still running. */
async function isDemoStillRunning(kv: Deno.Kv, id: string | undefined, now: number): Promise<boolean> {
  if (!id) return false;
  const competition = (await kv.get<Competition>(keys.competition(id))).value;
  return competition?.status === "ACTIVE" && !competition.resultsFrozenAt && now < Date.parse(competition.endDate);
}

/** Funds the live competition of round `round` and records it as the next one, before any store joins it. */
async function fundNextLive(deps: DemoDeps, round: number): Promise<string> {
  deps.signal?.throwIfAborted();
  const { id } = await createAndFund(deps, livePlan(startAhead(deps), round));
  await updateDemoWorld(deps.kv, (world) => ({ ...world, nextLiveId: id }));
  return id;
}

/**
 * Makes sure the seeded world has a running live competition: when the one
 * recorded has ended (fast-forwarded, or an old data file), seeds a new one
 * with the same stores, under a lease (once across processes). Returns the
 * marker as it now is, or `null` before the world was seeded.
 */
export async function ensureLiveDemo(deps: DemoDeps): Promise<DemoWorld | null> {
  const world = await readDemoWorld(deps.kv);
  if (world?.state !== "seeded" || await isDemoStillRunning(deps.kv, world.activeId, Date.now())) return world;
  const release = await acquireLease(deps.kv, "sandbox_demo_reseed", Date.now(), RESEED_LEASE_MS);
  if (!release) return world;
  try {
    const current = await readDemoWorld(deps.kv);
    if (!current || await isDemoStillRunning(deps.kv, current.activeId, Date.now())) return current;
    const round = current.reseeded + 1;
    // A new one funded by a try that stopped before it started is started now, not made again.
    const pending = current.nextLiveId && await getCompetition(deps.kv, current.nextLiveId);
    const activeId = pending && isOpenForJoining(pending, Date.now()) ? pending.id : await fundNextLive(deps, round);
    await joinAll(deps, activeId, DEMO_STORE_OWNERS);
    await startWhenDue(deps, [activeId]);
    const next = await updateDemoWorld(deps.kv, ({ nextLiveId: _, ...world }) => ({
      ...world,
      activeId,
      reseeded: round,
      shops: DEMO_STORE_OWNERS.map((owner) => owner.shop),
    }));
    log("info", "sandbox demo: new live competition", { competitionId: activeId, round });
    return next;
  } finally {
    await release();
  }
}

/** The running demo: its customers and its watch over the live competition. */
export interface SandboxDemo {
  customers: Customers;
  /** Resolves once the demo world is seeded (or was) and live. */
  ready: Promise<void>;
  /** The live competition the customers buy for, once known. */
  liveCompetitionId(): string | undefined;
  /**
   * Stops the customers, the watch, and a seeding in progress at its next
   * step (what it made is recorded: the next start resumes it).
   */
  stop(): Promise<void>;
}

/** How many times the first seeding is tried (each with twice the lead of the one before). */
const SEED_ATTEMPTS = 3;

/** How often the live competition is checked (and re-seeded once it has ended). */
const WATCH_MS = 5_000;

/**
 * Seeds the demo world once per data file, then keeps it alive: simulated
 * customers buy at the live competition's stores, and a new live competition
 * is seeded when it ends.
 */
export function startSandboxDemo(deps: DemoDeps, options: { ordersPerMinute?: number } = {}): SandboxDemo {
  let live: { id: string; shops: string[] } | undefined;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopping = new AbortController();
  const seeding = { ...deps, signal: stopping.signal };
  const customers = startCustomers({
    shopify: deps.shopify,
    stores: () => live?.shops,
    ordersPerMinute: options.ordersPerMinute,
  });
  const refresh = async () => {
    const world = await ensureLiveDemo(seeding);
    if (world?.state === "seeded" && world.activeId && await isDemoStillRunning(deps.kv, world.activeId, Date.now())) {
      live = { id: world.activeId, shops: world.shops };
    } else {
      live = undefined;
    }
  };
  const watch = () => {
    timer = setTimeout(async () => {
      try {
        await refresh();
      } catch (error) {
        log("error", "sandbox demo: the live competition could not be renewed", { error });
      }
      if (!stopped) watch();
    }, WATCH_MS);
  };
  const ready = (async () => {
    // A slow machine may miss a start before its prize is funded: try again with a longer lead.
    for (let attempt = 1;; attempt++) {
      try {
        const lead = { ...seeding, leadMs: (deps.leadMs ?? 3_000) * 2 ** (attempt - 1) };
        const outcome = await seedDemoWorld(lead, (id, shops) => live = { id, shops });
        if (outcome === "stopped") return;
        if (outcome !== "seeded") log("info", "sandbox demo already seeded on this data file", { outcome });
        break;
      } catch (error) {
        if (attempt >= SEED_ATTEMPTS || stopped) throw error;
        log("warn", "sandbox demo seeding failed; trying again", { attempt, error });
      }
    }
    await refresh();
  })();
  ready.then(() => !stopped && watch(), (error) => log("error", "sandbox demo seeding failed", { error }));
  return {
    customers,
    ready,
    liveCompetitionId: () => live?.id,
    async stop() {
      stopped = true;
      stopping.abort(new DemoSeedError("the process is stopping"));
      clearTimeout(timer);
      await Promise.all([customers.stop(), ready.catch(() => {})]);
    },
  };
}
