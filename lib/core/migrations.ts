/**
 * Upgrades of the KV layout. The layout carries a version
 * (`["settings", "layout_version"]`); at start every instance calls
 * `prepareLayout`, which runs the pending migrations exactly once across
 * instances (under a lease; the others wait for the version to move) and
 * refuses data written by a newer release, which this one might damage.
 *
 * Adding a migration: append `{ to: LAYOUT_VERSION + 1, … }` to
 * `MIGRATIONS` and raise `LAYOUT_VERSION`. A migration must be safe to run
 * again (a crash may interrupt it before the version moves).
 */
import { commit, hourStart, keys } from "./db.ts";
import { acquireLease } from "./leases.ts";
import { log } from "./log.ts";

/** One step of the layout. */
export interface Migration {
  /** The version the data is at once this step ran. */
  to: number;
  /** What it changes, for the log. */
  description: string;
  /** Rewrites the data; must be idempotent. */
  run: (kv: Deno.Kv) => Promise<void>;
}

/** The layout this release writes. */
export const LAYOUT_VERSION = 4;

/** Every step, in order. Data from before versioning is at version 0. */
export const MIGRATIONS: readonly Migration[] = [
  { to: 1, description: "record the layout version (no data change)", run: () => Promise.resolve() },
  { to: 2, description: "index each stored order's store by competition and order id", run: indexOrderOwners },
  {
    to: 3,
    description: "stored orders state their payment (paid, as they were counted) and total; hour buckets",
    run: settleStoredOrders,
  },
  { to: 4, description: "each shop's open memberships, which its order webhooks read", run: openShopMemberships },
];

/**
 * Version 4: `["open_memberships_by_shop", shop, competitionId]` for every
 * membership (`["participants_by_shop", …]`): order webhooks read these, and
 * take the completed and cancelled ones off as they meet them. Runs before
 * the instance serves, so it can run again: it sets what is already set.
 */
async function openShopMemberships(kv: Deno.Kv): Promise<void> {
  let batch: Deno.KvEntry<string>[] = [];
  const write = async () => {
    const rows = batch;
    batch = [];
    await commit(() => {
      const op = kv.atomic();
      for (const { key, value } of rows) op.set(keys.openMembershipOfShop(key[1] as string, key[2] as string), value);
      return op;
    });
  };
  for await (const entry of kv.list<string>({ prefix: ["participants_by_shop"] })) {
    batch.push(entry);
    if (batch.length === 100) await write();
  }
  if (batch.length > 0) await write();
}

/** A stored order as layout 2 wrote it (the fields this step reads). */
interface OrderV2 {
  amount: number;
  counted: boolean;
  createdAt?: string;
  payment?: string;
  gross?: number;
}

/**
 * Version 3: every stored order says how it stands with its payment and its
 * total, and each store's orders are summed per hour (spikes). Orders stored
 * before were counted as paid: they become `payment: "paid"` with `gross` =
 * what they add, so they keep counting exactly as they did; their amounts go
 * into `["order_hours", participantId, hour]`. One commit per order (the
 * order and its hour checked), and an order already stating its payment is
 * skipped, so the step can run again.
 */
async function settleStoredOrders(kv: Deno.Kv): Promise<void> {
  for await (const entry of kv.list<OrderV2>({ prefix: ["orders"] })) {
    const [, participantId] = entry.key as [string, string, string];
    const createdMs = Date.parse(entry.value.createdAt ?? "");
    if (Number.isNaN(createdMs)) continue;
    for (;;) {
      const [order, hour] = await kv.getMany<[OrderV2, { revenue: number }]>([
        entry.key,
        keys.orderHour(participantId, hourStart(createdMs)),
      ]);
      if (!order.value || order.value.payment !== undefined) break;
      const result = await commit(() =>
        kv.atomic().check(order, hour)
          .set(entry.key, { ...order.value, payment: "paid", gross: order.value!.gross ?? order.value!.amount })
          .set(hour.key, { revenue: (hour.value?.revenue ?? 0) + order.value!.amount })
      );
      if (result.ok) break;
    }
  }
}

/**
 * Version 2: `["order_owners", competitionId, orderId]` for every stored
 * order, so a signed order body replayed for another store is refused for
 * orders recorded before the index too. Writes only absent entries, so it can
 * run again.
 */
async function indexOrderOwners(kv: Deno.Kv): Promise<void> {
  const competitionOf = new Map<string, string | null>();
  for await (const entry of kv.list({ prefix: ["orders"] })) {
    const [, participantId, orderId] = entry.key as [string, string, string];
    if (!competitionOf.has(participantId)) {
      const participant = await kv.get<{ competitionId: string }>(keys.participant(participantId));
      competitionOf.set(participantId, participant.value?.competitionId ?? null);
    }
    const competitionId = competitionOf.get(participantId);
    if (!competitionId) continue;
    const ownerKey = keys.orderOwner(competitionId, orderId);
    await commit(() => kv.atomic().check({ key: ownerKey, versionstamp: null }).set(ownerKey, participantId));
  }
}

/** The data cannot be used by this release; the message says why and what to do. */
export class LayoutError extends Error {
  override name = "LayoutError";
}

/** What `prepareLayout` found or did. */
export type LayoutOutcome =
  | { result: "current"; version: number } // nothing to do
  | { result: "initialized"; version: number } // an empty KV was stamped with the current version
  | { result: "migrated"; from: number; version: number } // this instance ran the migrations
  | { result: "migrated_elsewhere"; version: number }; // another instance ran them while this one waited

/** What `prepareLayout` runs; production passes only `kv` and `now`. */
export interface PrepareLayoutOptions {
  now: () => number;
  /** Default `MIGRATIONS`. */
  migrations?: readonly Migration[];
  /** Default `LAYOUT_VERSION`. */
  version?: number;
  /** How long a migrating instance keeps the others out (default 10 minutes; renewed per step). */
  leaseMs?: number;
  /** How long to wait for another instance's migrations before giving up (default 15 minutes). */
  waitMs?: number;
}

/** Where the layout version is stored. */
export const LAYOUT_VERSION_KEY = keys.setting("layout_version");
const LEASE = "layout_migrations";

/**
 * Brings the layout to the current version, or throws `LayoutError`.
 *
 * @example
 * await prepareLayout(kv, { now: Date.now }); // before buildRuntime
 */
export async function prepareLayout(kv: Deno.Kv, options: PrepareLayoutOptions): Promise<LayoutOutcome> {
  const target = options.version ?? LAYOUT_VERSION;
  const migrations = options.migrations ?? MIGRATIONS;
  const leaseMs = options.leaseMs ?? 10 * 60_000;
  const giveUpAt = options.now() + (options.waitMs ?? 15 * 60_000);
  let waited = false;
  for (;;) {
    const entry = await kv.get<number>(LAYOUT_VERSION_KEY);
    const version = entry.value ?? 0;
    if (version > target) {
      throw new LayoutError(
        `The data in KV is at layout version ${version}, newer than this release understands (${target}); ` +
          `run the release that wrote it (or newer), or restore a backup taken before the upgrade.`,
      );
    }
    if (version === target) return { result: waited ? "migrated_elsewhere" : "current", version };
    if (entry.value === null && await isEmpty(kv)) {
      const stamped = await commit(() => kv.atomic().check(entry).set(LAYOUT_VERSION_KEY, target));
      if (stamped.ok) return { result: "initialized", version: target };
      continue;
    }
    const holder = crypto.randomUUID();
    const release = await acquireLease(kv, LEASE, options.now(), leaseMs, holder);
    if (!release) {
      if (options.now() > giveUpAt) {
        throw new LayoutError(
          `Another instance has been upgrading the data (layout version ${version} → ${target}) for too long; ` +
            `check its log, or wait until its lease ends and start again.`,
        );
      }
      waited = true;
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      return await migrate(kv, migrations, target, () => acquireLease(kv, LEASE, options.now(), leaseMs, holder));
    } finally {
      await release();
    }
  }
}

/** Runs the steps after the current version, holding the lease; each step moves the version. */
async function migrate(
  kv: Deno.Kv,
  migrations: readonly Migration[],
  target: number,
  renewLease: () => Promise<unknown>,
): Promise<LayoutOutcome> {
  const from = (await kv.get<number>(LAYOUT_VERSION_KEY)).value ?? 0;
  if (from >= target) return { result: "migrated_elsewhere", version: from };
  let version = from;
  for (const step of migrations.filter((m) => m.to > from && m.to <= target).sort((a, b) => a.to - b.to)) {
    log("info", "migrating the KV layout", { from: version, to: step.to, step: step.description });
    await step.run(kv);
    await kv.set(LAYOUT_VERSION_KEY, step.to);
    version = step.to;
    await renewLease();
  }
  if (version !== target) throw new LayoutError(`No migration leads from layout version ${version} to ${target}.`);
  return { result: "migrated", from, version };
}

/** Where a KV's layout stands, read without changing anything (`deno task doctor`). */
export type LayoutStanding =
  | { state: "current"; version: number }
  | { state: "empty" } // a new deployment: the first start stamps it
  | { state: "behind"; version: number; target: number } // the next start migrates it
  | { state: "ahead"; version: number; target: number }; // written by a newer release: start refuses it

/**
 * Reads the layout version against this release's, changing nothing.
 * @example await readLayoutStanding(kv) // { state: "current", version: 2 }
 */
export async function readLayoutStanding(kv: Deno.Kv, target = LAYOUT_VERSION): Promise<LayoutStanding> {
  const version = (await kv.get<number>(LAYOUT_VERSION_KEY)).value;
  if (version === null) return await isEmpty(kv) ? { state: "empty" } : { state: "behind", version: 0, target };
  if (version === target) return { state: "current", version };
  return version < target ? { state: "behind", version, target } : { state: "ahead", version, target };
}

/** Whether KV holds no entry at all (a new deployment). */
async function isEmpty(kv: Deno.Kv): Promise<boolean> {
  for await (const _ of kv.list({ prefix: [] }, { limit: 1 })) return false;
  return true;
}
