/**
 * A store's book inside one atomic commit: places orders (what each adds,
 * whether it is held or flagged) and keeps every running sum that depends on
 * them — the participant's revenue, counted, held and excluded orders, its
 * leaderboard row, the hour buckets spikes are measured on, the customer
 * cap's ledgers and the creator's list of flags — in the same commit as the
 * orders, on the values that commit checks (`lib/core/group_commit.ts`).
 * Each sum is read once per task and written once at its end, so a task that
 * places several orders (a delivery and the capped orders it frees room for)
 * writes each key once.
 *
 * Orders deliveries, the creator's decisions and the room a customer frees
 * all go through `place`, so one rule decides what an order adds, however
 * it got there.
 *
 * One idea past 300 lines: every sum an order moves is kept by this one
 * class, read once and written once per task; split, the sums would be
 * staged by several owners of the same commit.
 */
import { changeOf, hourStart, keys } from "../core/db.ts";
import type { GroupTransaction } from "../core/group_commit.ts";
import type { Minor } from "../core/money.ts";
import type { Competition } from "./competitions.ts";
import {
  capDay,
  type CustomerLedger,
  emptyLedger,
  isEmptyLedger,
  placeAmount,
  placeDay,
  refillCandidates,
  releaseOrder,
} from "./customer_cap.ts";
import { asksForJudgement, type FlagReason, hasMeaningfulHistory, isSpike, judgeOrder } from "./order_rules.ts";
import { leaderboardKey, leaderboardRow, type Participant } from "./participants.ts";
import { type FlagState, flagStateOf, ownOrderOf, type StoredOrder } from "./stored_order.ts";
import { sameSampleBucket } from "./race_line.ts";
import type { RaceSample } from "./race_series.ts";

/** The store's sums one order moves. */
interface Tally {
  revenue: Minor;
  orders: number;
  held: number;
  excluded: number;
}

/** What `order` adds to its store's sums. */
export function tallyOf(order: StoredOrder | null): Tally {
  if (!order) return { revenue: 0, orders: 0, held: 0, excluded: 0 };
  const excluded = order.decision?.decision === "exclude";
  return {
    revenue: order.amount,
    orders: order.counted ? 1 : 0,
    held: !order.counted && !excluded && order.flag?.open ? 1 : 0,
    excluded: excluded ? 1 : 0,
  };
}

/**
 * A held or flagged order's entry in the creator's list, with what the list
 * sorts it by (written again whenever that changes). Entries written before
 * the state was kept have none: their order tells it.
 */
export interface FlagPointer {
  participantId: string;
  orderId: string;
  state?: FlagState;
}

/** A flag's id: the store's participant id and the order id. */
export function flagIdOf(participantId: string, orderId: string): string {
  return `${participantId}.${orderId}`;
}

/** The start of the UTC hour of an instant, the spike measure's bucket. */
export function hourOf(iso: string): number {
  return hourStart(Date.parse(iso));
}

/**
 * An hour of a store's orders (`["order_hours", participantId, hourStartMs]`):
 * what they add, and the order flagged for taking the hour past ten times
 * the store's hourly average (one per hour).
 */
export interface HourBucket {
  revenue: Minor;
  spikeOrder?: string;
}

/** How long a flag waits to be told to the creator before it is dropped (longer than any competition and its settlement). */
export const REVIEW_NOTICE_TTL_MS = 60 * 86_400_000;

/** How many capped orders one task lets count more when room frees (the rest follow at the customer's next order). */
export const MAX_REFILLS = 8;

/** One store's book within one task; see the module comment. */
export class StoreBook {
  #delta: Tally = { revenue: 0, orders: 0, held: 0, excluded: 0 };
  #lastOrderAt: string | undefined;
  #hours = new Map<number, HourBucket>();
  #hoursRead = new Map<number, HourBucket>();
  #noHistorySpike: string | undefined;
  #ledgers = new Map<string, CustomerLedger>();
  #ledgersRead = new Map<string, CustomerLedger>();
  /** An order its owner sees changed (its panels follow the participant record). */
  #shown = false;

  constructor(
    private readonly tx: GroupTransaction,
    private readonly participant: Participant,
    private readonly competition: Competition,
  ) {
    this.#lastOrderAt = participant.lastOrderAt;
    this.#noHistorySpike = participant.noHistorySpike;
  }

  /**
   * Places one order in the book: judges `next` (its facts; what it adds is
   * worked out here), takes `prev`'s share out of every sum and puts the new
   * one in, and stages the stored order (and its flag's entry in the
   * creator's list when its state changes). `nowMs` dates a new flag.
   */
  async place(orderId: string, prev: StoredOrder | null, next: StoredOrder, nowMs: number): Promise<StoredOrder> {
    const { tx, participant, competition } = this;
    if (prev?.capped && prev.customer) {
      const ledger = await this.#ledger(prev.customer);
      this.#ledgers.set(prev.customer, releaseOrder(ledger, orderId, this.#byAmount ? prev.amount : 0));
    }
    const rules = {
      countManualOrders: competition.countManualOrders === true,
      capped: competition.customerCap !== undefined,
    };
    const verdict = next.reason ? undefined : judgeOrder({ ...next, hasCustomer: next.customer !== undefined }, rules);
    let share = { amount: 0, counted: false, capped: false, reason: undefined as FlagReason | undefined };
    if (verdict?.kind === "held") share.reason = verdict.reason;
    if (verdict?.kind === "counts") {
      share = { amount: next.gross ?? 0, counted: true, capped: false, reason: verdict.flag };
      if (verdict.capped && next.customer) {
        const placed = await this.#placeCapped(next.customer, orderId, share.amount, next.createdAt);
        share = { ...placed, capped: true, reason: verdict.flag ?? (placed.short ? "customer_cap" : undefined) };
      }
    }
    const grew = share.amount - (prev?.amount ?? 0);
    let bucket: HourBucket | undefined;
    if (grew !== 0) {
      // Read (and checked) only when the order's share moves: a delivery that changes nothing leaves the bucket alone.
      const hour = hourOf(next.createdAt);
      const read = await this.#hour(hour);
      bucket = { ...read, revenue: read.revenue + grew };
      this.#hours.set(hour, bucket);
    }
    const undecided = verdict?.kind === "counts" && !verdict.decided && share.counted;
    const mark = next.spike === true
      ? { noHistory: next.noHistory === true }
      : undecided && grew > 0 && bucket
      ? this.#spikeMark(orderId, bucket)
      : undefined;
    // A spike order refunded to nothing adds nothing: its flag clears (and opens again if it grows back).
    if (undecided && mark && share.amount > 0) share.reason ??= "spike";
    const { capped: _, spike: __, noHistory: ____, flag: ___, ...facts } = next;
    const placed: StoredOrder = {
      ...facts,
      amount: share.amount,
      counted: share.counted,
      ...(share.capped ? { capped: true } : {}),
      ...(mark ? { spike: true } : {}),
      ...(mark?.noHistory ? { noHistory: true } : {}),
      ...(share.reason
        ? {
          flag: { reason: share.reason, open: true, raisedAt: prev?.flag?.raisedAt ?? new Date(nowMs).toISOString() },
        }
        : prev?.flag
        ? { flag: { ...prev.flag, open: false } }
        : {}),
    };
    tx.set(keys.order(participant.id, orderId), placed);
    this.#shown ||= prev === null ||
      JSON.stringify(ownOrderOf(orderId, prev)) !== JSON.stringify(ownOrderOf(orderId, placed));
    const flagId = flagIdOf(participant.id, orderId);
    const state = flagStateOf(placed);
    if (state && JSON.stringify(state) !== JSON.stringify(prev && flagStateOf(prev))) {
      tx.set(
        keys.flag(competition.id, flagId),
        { participantId: participant.id, orderId, state } satisfies FlagPointer,
      );
    }
    // Noted for the creator's hourly notice (`creator_notices.ts`), which deletes it once told.
    if (placed.flag && !prev?.flag && asksForJudgement(placed.flag.reason)) {
      const raisedAt = placed.flag.raisedAt;
      tx.also(
        (op) => op.set(keys.reviewNotice(competition.id, flagId), raisedAt, { expireIn: REVIEW_NOTICE_TTL_MS }),
        1,
      );
    }
    const before = tallyOf(prev);
    const after = tallyOf(placed);
    this.#delta = {
      revenue: this.#delta.revenue + after.revenue - before.revenue,
      orders: this.#delta.orders + after.orders - before.orders,
      held: this.#delta.held + after.held - before.held,
      excluded: this.#delta.excluded + after.excluded - before.excluded,
    };
    if (share.counted && (!this.#lastOrderAt || next.createdAt > this.#lastOrderAt)) {
      this.#lastOrderAt = next.createdAt;
    }
    return placed;
  }

  /**
   * Lets the capped orders of the customers this task touched count more
   * when room freed (oldest first, at most {@link MAX_REFILLS}); `except` is
   * the order the task placed itself.
   */
  async refill(except: string, nowMs: number): Promise<void> {
    const cap = this.competition.customerCap;
    if (cap === undefined) return;
    const tried = new Set([except]);
    for (const customer of [...this.#ledgers.keys()]) {
      for (;;) {
        const candidate = refillCandidates(this.#ledgers.get(customer)!, cap, this.#byAmount ? "amount" : "day")
          .find((orderId) => !tried.has(orderId));
        if (candidate === undefined) break;
        if (tried.size > MAX_REFILLS) return;
        tried.add(candidate);
        const stored = await this.tx.get<StoredOrder>(keys.order(this.participant.id, candidate));
        if (stored?.capped && stored.customer === customer) await this.place(candidate, stored, stored, nowMs);
        else this.#ledgers.set(customer, releaseOrder(this.#ledgers.get(customer)!, candidate, 0));
      }
    }
  }

  /**
   * Stages the sums: the participant, its leaderboard row, the race-chart
   * sample and the change key when the board moved (`atMs` is when the new
   * total was reached), and every hour bucket and ledger the task read. An
   * order whose owner sees it change (a test order arriving, an edit of a
   * held one) writes the participant (`ordersChangedAt`) and the change key
   * too, so the owner's panels follow. Returns the participant as it now is.
   */
  finish(nowMs: number, atMs: number): Participant {
    const { tx, participant } = this;
    for (const [hour, bucket] of this.#hours) {
      const read = this.#hoursRead.get(hour);
      if (bucket.revenue !== read?.revenue || bucket.spikeOrder !== read?.spikeOrder) {
        tx.set(keys.orderHour(participant.id, hour), bucket);
      }
    }
    for (const [customer, ledger] of this.#ledgers) {
      if (ledger === this.#ledgersRead.get(customer)) continue;
      const key = keys.orderCustomer(participant.id, customer);
      if (isEmptyLedger(ledger)) tx.delete(key);
      else tx.set(key, ledger);
    }
    const delta = this.#delta;
    const marked = this.#noHistorySpike !== participant.noHistorySpike;
    const moved = delta.revenue !== 0 || delta.orders !== 0 || delta.held !== 0 || delta.excluded !== 0 || marked;
    if (!moved && !this.#shown) return participant;
    let next: Participant = {
      ...participant,
      ...(this.#noHistorySpike !== undefined ? { noHistorySpike: this.#noHistorySpike } : {}),
      revenue: participant.revenue + delta.revenue,
      orders: participant.orders + delta.orders,
      held: (participant.held ?? 0) + delta.held,
      excluded: (participant.excluded ?? 0) + delta.excluded,
      reachedAt: delta.revenue !== 0 && atMs > Date.parse(participant.reachedAt)
        ? new Date(atMs).toISOString()
        : participant.reachedAt,
      lastOrderAt: this.#lastOrderAt,
      ...(this.#shown ? { ordersChangedAt: nowMs } : {}),
    };
    if (delta.revenue !== 0 || delta.orders !== 0) next = this.#sample(next, nowMs);
    tx.set(keys.participant(participant.id), next);
    if (moved) {
      tx.delete(leaderboardKey(participant));
      tx.set(leaderboardKey(next), leaderboardRow(next));
    }
    // The change key is written like `bumpChange` does; staged here so a batch writes it once.
    tx.set(keys.changes(participant.competitionId), changeOf("leaderboard", nowMs));
    return next;
  }

  /**
   * Stages the race-chart sample of `next`'s totals at `nowMs` (inside the
   * window, never before the store's previous sample), replacing the
   * previous one when both fall in one bucket (`sameSampleBucket`), so a
   * store keeps a bounded history as fine as the chart shows. The previous
   * sample's time is on the participant, read in this commit anyway: no
   * extra read.
   */
  #sample(next: Participant, nowMs: number): Participant {
    const start = Date.parse(this.competition.startDate);
    const end = Date.parse(this.competition.endDate);
    const previous = next.sampledAt;
    const at = Math.min(Math.max(nowMs, start, previous ?? start), end);
    if (previous !== undefined && previous !== at && sameSampleBucket(start, previous, at)) {
      this.tx.delete(keys.revenuePoint(next.competitionId, next.id, previous));
    }
    this.tx.set(
      keys.revenuePoint(next.competitionId, next.id, at),
      { revenue: next.revenue, orders: next.orders } satisfies RaceSample,
    );
    return { ...next, sampledAt: at };
  }

  /**
   * Whether the order that just grew `bucket` (its hour) is the one spike
   * flag it may raise: in a store with a meaningful history, the first order
   * that takes its hour past ten times the hourly average (one per hour);
   * in one without, the first such order of the store (one per store).
   */
  #spikeMark(orderId: string, bucket: HourBucket): { noHistory: boolean } | undefined {
    const history = this.participant.history;
    if (!isSpike(bucket.revenue, history)) return undefined;
    if (hasMeaningfulHistory(history!)) {
      if (bucket.spikeOrder !== undefined && bucket.spikeOrder !== orderId) return undefined;
      bucket.spikeOrder = orderId;
      return { noHistory: false };
    }
    if (this.#noHistorySpike !== undefined && this.#noHistorySpike !== orderId) return undefined;
    this.#noHistorySpike = orderId;
    return { noHistory: true };
  }

  /** Whether the cap is on amounts (revenue, growth) rather than one order per customer per day. */
  get #byAmount(): boolean {
    return (this.competition.metric ?? "revenue") !== "orders";
  }

  async #placeCapped(customer: string, orderId: string, gross: Minor, createdAt: string) {
    const ledger = await this.#ledger(customer);
    if (this.#byAmount) {
      const placed = placeAmount(ledger, orderId, gross, this.competition.customerCap!);
      this.#ledgers.set(customer, placed.ledger);
      return { amount: placed.added, counted: placed.added > 0 || gross === 0, short: placed.added < gross };
    }
    const placed = placeDay(ledger, orderId, capDay(createdAt));
    this.#ledgers.set(customer, placed.ledger);
    return placed.counts ? { amount: gross, counted: true, short: false } : { amount: 0, counted: false, short: true };
  }

  async #ledger(customer: string): Promise<CustomerLedger> {
    const known = this.#ledgers.get(customer);
    if (known) return known;
    const read = await this.tx.get<CustomerLedger>(keys.orderCustomer(this.participant.id, customer)) ??
      emptyLedger();
    this.#ledgersRead.set(customer, read);
    this.#ledgers.set(customer, read);
    return read;
  }

  async #hour(hour: number): Promise<HourBucket> {
    const known = this.#hours.get(hour);
    if (known !== undefined) return known;
    const read = await this.tx.get<HourBucket>(keys.orderHour(this.participant.id, hour)) ?? { revenue: 0 };
    this.#hoursRead.set(hour, read);
    return read;
  }
}
