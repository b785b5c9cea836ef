/**
 * Every Deno KV key the app uses, and the one place where atomic operations
 * are committed.
 *
 * | key                                                          | value                   | notes                                    |
 * | ------------------------------------------------------------ | ----------------------- | ---------------------------------------- |
 * | ["competitions", id]                                         | Competition             | primary                                  |
 * | ["competitions_by_status", status, startMs, id]              | id                      | same atomic op as the primary            |
 * | ["competitions_by_creator", creatorId, createdMs, id]        | id                      | same atomic op as the primary            |
 * | ["participants", id]                                         | Participant             | primary                                  |
 * | ["participants_by_competition", competitionId, id]           | id                      | same atomic op as the primary            |
 * | ["participants_by_user", userId, competitionId]              | id                      | one join per user per competition        |
 * | ["participants_by_shop", shop, competitionId]                | id                      | one join per store per competition       |
 * | ["orders", participantId, orderId]                           | StoredOrder             | one per order that ever fell in window   |
 * | ["order_owners", competitionId, orderId]                     | participantId           | the store an order id was recorded for   |
 * | ["order_hours", participantId, hourStartMs]                  | HourBucket              | what a store's orders of one hour add,   |
 * |                                                              |                         | and its one spike-flagged order          |
 * | ["order_customers", participantId, customerKey]              | CustomerLedger          | the customer cap's account; the key is a |
 * |                                                              |                         | per-store pseudonym, never Shopify's id  |
 * | ["flags", competitionId, flagId]                             | FlagPointer             | held or flagged orders, for the creator, |
 * |                                                              |                         | with what the review queue sorts by      |
 * | ["review_notices", competitionId, flagId]                    | raisedAt (ISO)          | expireIn 60 days: a flag the creator is  |
 * |                                                              |                         | yet to be told of (creator_notices.ts)   |
 * | ["leaderboard", competitionId, ...order, reachedAtMs, id]    | LeaderboardRow          | top N is a prefix read; order is         |
 * |                                                              |                         | [-revenue], [-orders] or growth's        |
 * |                                                              |                         | [0, -ratio] / [1, -revenue]              |
 * | ["leaderboard", competitionId, "division", n, ...order,      | LeaderboardRow          | division n's board (divisions only), the |
 * |   reachedAtMs, id]                                           |                         | same order                               |
 * | ["leaderboard_unplaced", competitionId, id]                  | LeaderboardRow          | divisions: not yet placed in one         |
 * | ["leaderboard_disqualified", competitionId, id]              | LeaderboardRow          | out of the ranking, kept for the page    |
 * | ["competition_audit", competitionId, atMs, id]               | AuditEntry              | the creator's actions, oldest first      |
 * | ["revenue_points", competitionId, participantId, atMs]       | RaceSample              | race chart samples, one per bucket       |
 * | ["changes", competitionId]                                   | { at, kind }            | bumped by every write; watched           |
 * | ["users", userId]                                            | User                    |                                          |
 * | ["sessions", sha256(sessionId)]                              | Session                 | expireIn; the cookie's id is never kept  |
 * | ["oauth_states", state]                                      | OAuthState              | expireIn, single use                     |
 * | ["rate_limits", rule, subject]                               | { count, resetAt }      | expireIn, one window                     |
 * | ["shopify_join_states", state]                               | ShopifyOAuthState       | expireIn 10 min, single use (join and    |
 * |                                                              |                         | install)                                 |
 * | ["form_submissions", userId, form, token]                    | FormSubmission          | expireIn 1 day: a form posted once       |
 * | ["webhook_deliveries", source, deliveryId]                   | true                    | expireIn, drops repeats                  |
 * | ["shops", shop]                                              | ShopConnection          | tokens AES-GCM encrypted                 |
 * | ["shops_by_owner", userId, shop]                             | true                    | same atomic op as the connection         |
 * | ["shop_erasures", shop]                                      | ErasureJob              | a shop/redact under way, until done      |
 * | ["customer_data_requests", shop, requestId]                  | CustomerDataRecord      | expireIn 90 days, for the store's owner  |
 * | ["shopify_join_tickets", ticket]                             | JoinTicket              | expireIn 10 min, single use              |
 * | ["shopify_claims", sha256(claim)]                            | InstallClaim            | expireIn 30 min, single use              |
 * | ["payouts", competitionId]                                   | Payout                  | 1st place (the key from before splits)   |
 * | ["payouts", competitionId, place]                            | Payout                  | places 2…10, and "creator" for unearned  |
 * | ["payouts", competitionId, "division", n, place]             | Payout                  | division n's places 1…10                 |
 * | ["refunds", competitionId]                                   | PrizeRefund             | exactly one per competition              |
 * | ["payment_refunds", paymentId]                               | PaymentRefund           | a payment that could not fund; once      |
 * | ["competition_payment_refunds", competitionId, paymentId]    | true                    | a competition's payment refunds (index)  |
 * | ["seasons", id]                                              | Season                  | primary                                  |
 * | ["seasons_by_status", status, startMs, id]                   | id                      | same atomic op as the primary            |
 * | ["seasons_by_creator", creatorId, createdMs, id]             | id                      | same atomic op as the primary            |
 * | ["season_entrants", seasonId, userId]                        | SeasonEntrant           | one store per user per season            |
 * | ["season_entrants_by_shop", shop, seasonId]                  | userId                  | one entry per store per season; erasure  |
 * | ["season_results", seasonId, round]                          | RoundResult             | a settled round's points, written once   |
 * | ["season_payouts", seasonId, table, place]                   | SeasonPayout            | the season prize, once per place         |
 * | ["season_refunds", seasonId]                                 | Refund                  | the season's payment, refunded once      |
 * | ["season_payment_refunds", seasonId, paymentId]              | true                    | a season's payment refunds (index)       |
 * | ["notifications", userId, notificationId]                    | Notification            | in-app list                              |
 * | ["notifications_sent", dedupeKey]                            | notificationId          | sends each notification once             |
 * | ["jobs", name]                                               | JobRun                  | last run, duration, error                |
 * | ["leases", name]                                             | holder id               | expireIn                                 |
 * | ["experience_access", experienceId, userId]                 | CommunityAccess         | expireIn 60 s: Whop's checkAccess, cached |
 * | ["settings", name]                                           | varies                  | sandbox encryption key, layout_version   |
 * | ["sandbox_demo"]                                             | DemoWorld               | sandbox only: the demo world, seeded once |
 */
import { countKvCommitRetry } from "./metrics.ts";

/** Keys of the app's KV layout; the table above is the documentation. */
export const keys = {
  competition: (id: string) => ["competitions", id] as const,
  competitionsByStatus: (status: string) => ["competitions_by_status", status] as const,
  competitionByStatus: (status: string, startMs: number, id: string) =>
    ["competitions_by_status", status, startMs, id] as const,
  competitionsByCreator: (creatorId: string) => ["competitions_by_creator", creatorId] as const,
  competitionByCreator: (creatorId: string, createdMs: number, id: string) =>
    ["competitions_by_creator", creatorId, createdMs, id] as const,
  participant: (id: string) => ["participants", id] as const,
  participantsByCompetition: (competitionId: string) => ["participants_by_competition", competitionId] as const,
  participantByCompetition: (competitionId: string, id: string) =>
    ["participants_by_competition", competitionId, id] as const,
  participantsByUser: (userId: string) => ["participants_by_user", userId] as const,
  participantByUser: (userId: string, competitionId: string) =>
    ["participants_by_user", userId, competitionId] as const,
  participantsByShop: (shop: string) => ["participants_by_shop", shop] as const,
  participantByShop: (shop: string, competitionId: string) => ["participants_by_shop", shop, competitionId] as const,
  /** A shop's memberships whose competition may still take its orders (its webhooks read these, not its history). */
  openMembershipsOfShop: (shop: string) => ["open_memberships_by_shop", shop] as const,
  openMembershipOfShop: (shop: string, competitionId: string) =>
    ["open_memberships_by_shop", shop, competitionId] as const,
  orders: (participantId: string) => ["orders", participantId] as const,
  order: (participantId: string, orderId: string) => ["orders", participantId, orderId] as const,
  orderOwner: (competitionId: string, orderId: string) => ["order_owners", competitionId, orderId] as const,
  orderHour: (participantId: string, hourStartMs: number) => ["order_hours", participantId, hourStartMs] as const,
  orderHours: (participantId: string) => ["order_hours", participantId] as const,
  orderCustomer: (participantId: string, customerKey: string) =>
    ["order_customers", participantId, customerKey] as const,
  orderCustomers: (participantId: string) => ["order_customers", participantId] as const,
  flags: (competitionId: string) => ["flags", competitionId] as const,
  flag: (competitionId: string, flagId: string) => ["flags", competitionId, flagId] as const,
  reviewNotices: (competitionId: string) => ["review_notices", competitionId] as const,
  reviewNotice: (competitionId: string, flagId: string) => ["review_notices", competitionId, flagId] as const,
  /** A board's prefix: the competition's, or division `division`'s. */
  leaderboard: (competitionId: string, division?: number): Deno.KvKey =>
    division === undefined ? ["leaderboard", competitionId] : ["leaderboard", competitionId, "division", division],
  leaderboardRow: (
    competitionId: string,
    order: readonly number[],
    reachedAtMs: number,
    participantId: string,
    division?: number,
  ): Deno.KvKey => [...keys.leaderboard(competitionId, division), ...order, reachedAtMs, participantId],
  unplacedRows: (competitionId: string) => ["leaderboard_unplaced", competitionId] as const,
  unplacedRow: (competitionId: string, participantId: string) =>
    ["leaderboard_unplaced", competitionId, participantId] as const,
  disqualifiedRows: (competitionId: string) => ["leaderboard_disqualified", competitionId] as const,
  disqualifiedRow: (competitionId: string, participantId: string) =>
    ["leaderboard_disqualified", competitionId, participantId] as const,
  auditLog: (competitionId: string) => ["competition_audit", competitionId] as const,
  auditEntry: (competitionId: string, atMs: number, id: string) =>
    ["competition_audit", competitionId, atMs, id] as const,
  revenuePoints: (competitionId: string, participantId: string) =>
    ["revenue_points", competitionId, participantId] as const,
  revenuePoint: (competitionId: string, participantId: string, atMs: number) =>
    ["revenue_points", competitionId, participantId, atMs] as const,
  changes: (competitionId: string) => ["changes", competitionId] as const,
  user: (userId: string) => ["users", userId] as const,
  session: (sessionIdHash: string) => ["sessions", sessionIdHash] as const,
  rateLimit: (rule: string, subject: string) => ["rate_limits", rule, subject] as const,
  oauthState: (state: string) => ["oauth_states", state] as const,
  shopifyJoinState: (state: string) => ["shopify_join_states", state] as const,
  formSubmission: (userId: string, form: string, token: string) => ["form_submissions", userId, form, token] as const,
  webhookDelivery: (source: "shopify" | "whop", deliveryId: string) =>
    ["webhook_deliveries", source, deliveryId] as const,
  shop: (shop: string) => ["shops", shop] as const,
  shopsByOwner: (userId: string) => ["shops_by_owner", userId] as const,
  shopErasure: (shop: string) => ["shop_erasures", shop] as const,
  customerDataRequests: (shop: string) => ["customer_data_requests", shop] as const,
  customerDataRequest: (shop: string, requestId: string) => ["customer_data_requests", shop, requestId] as const,
  shopByOwner: (userId: string, shop: string) => ["shops_by_owner", userId, shop] as const,
  shopifyJoinTicket: (ticket: string) => ["shopify_join_tickets", ticket] as const,
  shopifyClaim: (claimHash: string) => ["shopify_claims", claimHash] as const,
  payouts: () => ["payouts"] as const,
  payout: (competitionId: string) => ["payouts", competitionId] as const,
  placePayout: (competitionId: string, place: number | "creator") => ["payouts", competitionId, place] as const,
  divisionPayout: (competitionId: string, division: number, place: number) =>
    ["payouts", competitionId, "division", division, place] as const,
  prizeRefund: (competitionId: string) => ["refunds", competitionId] as const,
  paymentRefund: (paymentId: string) => ["payment_refunds", paymentId] as const,
  competitionPaymentRefunds: (competitionId: string) => ["competition_payment_refunds", competitionId] as const,
  competitionPaymentRefund: (competitionId: string, paymentId: string) =>
    ["competition_payment_refunds", competitionId, paymentId] as const,
  season: (id: string) => ["seasons", id] as const,
  seasonsByStatus: (status: string) => ["seasons_by_status", status] as const,
  seasonByStatus: (status: string, startMs: number, id: string) => ["seasons_by_status", status, startMs, id] as const,
  seasonsByCreator: (creatorId: string) => ["seasons_by_creator", creatorId] as const,
  seasonByCreator: (creatorId: string, createdMs: number, id: string) =>
    ["seasons_by_creator", creatorId, createdMs, id] as const,
  seasonEntrants: (seasonId: string) => ["season_entrants", seasonId] as const,
  seasonEntrant: (seasonId: string, userId: string) => ["season_entrants", seasonId, userId] as const,
  seasonEntrantByShop: (shop: string, seasonId: string) => ["season_entrants_by_shop", shop, seasonId] as const,
  seasonEntrantsByShop: (shop: string) => ["season_entrants_by_shop", shop] as const,
  seasonResults: (seasonId: string) => ["season_results", seasonId] as const,
  seasonResult: (seasonId: string, round: number) => ["season_results", seasonId, round] as const,
  seasonPayouts: (seasonId: string) => ["season_payouts", seasonId] as const,
  seasonPayout: (seasonId: string, table: number, place: number | "creator") =>
    ["season_payouts", seasonId, table, place] as const,
  seasonRefund: (seasonId: string) => ["season_refunds", seasonId] as const,
  seasonPaymentRefunds: (seasonId: string) => ["season_payment_refunds", seasonId] as const,
  seasonPaymentRefund: (seasonId: string, paymentId: string) =>
    ["season_payment_refunds", seasonId, paymentId] as const,
  notifications: (userId: string) => ["notifications", userId] as const,
  notification: (userId: string, notificationId: string) => ["notifications", userId, notificationId] as const,
  notificationSent: (dedupeKey: string) => ["notifications_sent", dedupeKey] as const,
  job: (name: string) => ["jobs", name] as const,
  lease: (name: string) => ["leases", name] as const,
  setting: (name: string) => ["settings", name] as const,
  experienceAccess: (experienceId: string, userId: string) => ["experience_access", experienceId, userId] as const,
  sandboxDemo: () => ["sandbox_demo"] as const,
};

/** The start of the UTC hour holding an instant (epoch ms): the `order_hours` buckets. */
export function hourStart(ms: number): number {
  return ms - (ms % 3_600_000);
}

/** What kind of write bumped a competition's change key. */
export type ChangeKind = "leaderboard" | "join" | "status" | "winner" | "sync";

/** The value of a competition's change key. */
export interface Change {
  at: number;
  kind: ChangeKind;
}

/** What a write of `kind` at `at` leaves in a competition's change key. */
export function changeOf(kind: ChangeKind, at: number): Change {
  return { at, kind };
}

/** Adds the bump of a competition's change key to an atomic operation. */
export function bumpChange(op: Deno.AtomicOperation, competitionId: string, kind: ChangeKind, at: number) {
  return op.set(keys.changes(competitionId), changeOf(kind, at));
}

const LOCKED = /database is locked|SQLITE_BUSY/i;

/** How long a commit keeps retrying while another process holds the file's lock. */
const LOCK_PATIENCE_MS = 5_000;

/**
 * Commits an atomic operation built by `build`, retrying with a short random
 * backoff (growing to 100 ms, for up to 5 s in all) when another process
 * holds the local KV file's lock: on a busy machine two processes writing one
 * file can keep each other waiting for longer than a few tries. Returns the
 * commit result (a failed `check` is a normal result, not an error).
 *
 * @example
 * const result = await commit(() => kv.atomic().check(entry).set(key, value));
 */
export async function commit(
  build: () => Deno.AtomicOperation,
): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
  const deadline = performance.now() + LOCK_PATIENCE_MS;
  for (let attempt = 1;; attempt++) {
    try {
      return await build().commit();
    } catch (error) {
      if (!(error instanceof Error) || !LOCKED.test(error.message) || performance.now() > deadline) throw error;
      countKvCommitRetry();
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** attempt)));
    }
  }
}

/** A new id: time-ordered (48-bit millisecond prefix) and random, URL-safe. */
export function newId(now = Date.now()): string {
  const time = now.toString(36).padStart(9, "0");
  const random = crypto.getRandomValues(new Uint8Array(10));
  return time + Array.from(random, (b) => (b % 36).toString(36)).join("");
}

/**
 * What an id can look like (`newId` makes 19 lower-case letters and digits;
 * this leaves room): anything else names no record, so it is refused before
 * it becomes part of a KV key, whose size is limited.
 */
export const ID_PATTERN = /^[0-9a-z]{1,40}$/;

/** How many keys one `getMany` may read (Deno KV's limit). */
const GET_MANY_KEYS = 10;
/** How many of those reads {@link readMany} keeps in flight (a remote KV takes each as a request). */
const READS_IN_FLIGHT = 16;

/**
 * The values at `keys`, in their order (`null` where there is none): ten
 * keys per `getMany`, up to sixteen reads in flight at once (one after the
 * other, a list of thousands waits for each round trip). Not one snapshot:
 * each read sees the data as it is when it runs.
 * @example const [a, b] = await readMany<Participant>(kv, [keys.participant(idA), keys.participant(idB)]);
 */
export async function readMany<T>(kv: Deno.Kv, keys: readonly Deno.KvKey[]): Promise<(T | null)[]> {
  const values: (T | null)[] = [];
  const wave = GET_MANY_KEYS * READS_IN_FLIGHT;
  for (let start = 0; start < keys.length; start += wave) {
    const reads: Promise<Deno.KvEntryMaybe<unknown>[]>[] = [];
    for (let i = start; i < Math.min(start + wave, keys.length); i += GET_MANY_KEYS) {
      reads.push(kv.getMany<unknown[]>(keys.slice(i, i + GET_MANY_KEYS)));
    }
    for (const entries of await Promise.all(reads)) for (const entry of entries) values.push(entry.value as T | null);
  }
  return values;
}

/**
 * Reads the id pointers of an index (a prefix, or a selector for a range)
 * and loads their records ({@link readMany}).
 */
export async function loadByIndex<T>(
  kv: Deno.Kv,
  index: Deno.KvKey | Deno.KvListSelector,
  primary: (id: string) => Deno.KvKey,
  options: Deno.KvListOptions = {},
): Promise<T[]> {
  const selector = Array.isArray(index) ? { prefix: index } : index as Deno.KvListSelector;
  const ids: string[] = [];
  for await (const entry of kv.list<string>(selector, options)) ids.push(entry.value);
  return (await readMany<T>(kv, ids.map(primary))).filter((record) => record !== null);
}

/** Whether KV answers a read (health checks); throws when it does not. */
export async function pingKv(kv: Deno.Kv): Promise<void> {
  await kv.get(keys.setting("health"));
}
