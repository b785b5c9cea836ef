/**
 * A competition already running, for tests and benchmarks: created as a
 * draft before its start, funded, started, with `stores` joined stores —
 * through the domain functions, so every index is as the app writes it.
 */
import { type Competition, createCompetition, updateCompetition } from "../lib/competitions/competitions.ts";
import { createParticipant, type Participant } from "../lib/competitions/participants.ts";

/** What a running competition is made of; every field has a default. */
export interface ActiveCompetitionOptions {
  /** The window's start (epoch ms); it lasts `durationMs` (default a week). */
  start: number;
  durationMs?: number;
  stores?: number;
  creatorId?: string;
  title?: string;
  prize?: string;
  /** Whole percentages per place; default `[100]`. */
  prizeSplit?: number[];
  metric?: "revenue" | "orders" | "growth";
  /** Decimal string; growth only. */
  growthMinBaseline?: string;
  /** Count draft and manual-gateway orders (default: held). */
  countManualOrders?: boolean;
  /** Decimal string: the most one customer adds to one store. */
  customerCap?: string;
  /** Divisions as the input takes them (the prize is then their total). */
  divisions?: { name: string; upTo?: string; prize: string; prizeSplit?: number[] }[];
  /** Store `i`'s shop domain; default `store-i.myshopify.com`. */
  shopOf?: (i: number) => string;
  /** Store `i`'s owner; default `owner_i`. */
  ownerOf?: (i: number) => string;
  /** Store `i`'s name; default `Store i`. */
  nameOf?: (i: number) => string;
}

/**
 * An ACTIVE USD competition whose window opened at `start`, with its stores
 * joined one millisecond apart from `start` (so ties at zero rank in join
 * order).
 *
 * @example
 * const { competition, participants } = await activeCompetition(kv, { start: Date.now() - 3600_000, stores: 3 });
 */
export async function activeCompetition(
  kv: Deno.Kv,
  options: ActiveCompetitionOptions,
): Promise<{ competition: Competition; participants: Participant[] }> {
  const { start, durationMs = 7 * 86_400_000, stores = 0 } = options;
  const created = start - 12 * 3600_000;
  const draft = await createCompetition(kv, options.creatorId ?? "creator", {
    title: options.title ?? "Holiday Cup",
    description: "Most revenue wins.",
    prize: options.divisions ? undefined : options.prize ?? "500.00",
    currency: "USD",
    startDate: new Date(start).toISOString(),
    endDate: new Date(start + durationMs).toISOString(),
    prizeSplit: options.prizeSplit,
    metric: options.metric,
    growthMinBaseline: options.growthMinBaseline,
    countManualOrders: options.countManualOrders,
    customerCap: options.customerCap,
    divisions: options.divisions,
  }, { now: created, minDurationS: 60 });
  await updateCompetition(kv, draft.id, created, "status", (c) => ({ ...c, status: "UPCOMING" }));
  const { competition } = await updateCompetition(kv, draft.id, start, "status", (c) => ({ ...c, status: "ACTIVE" }));
  const participants: Participant[] = [];
  for (let i = 0; i < stores; i++) {
    participants.push(
      await createParticipant(kv, competition.id, {
        userId: options.ownerOf?.(i) ?? `owner_${i}`,
        shop: options.shopOf?.(i) ?? `store-${i}.myshopify.com`,
        displayName: options.nameOf?.(i) ?? `Store ${i}`,
        currency: "USD",
      }, start + i),
    );
  }
  return { competition: { ...competition, participantCount: stores }, participants };
}
