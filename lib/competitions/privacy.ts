/**
 * Privacy mode (`privacy: "ranks"`): who may see a store's exact figure. Under
 * it, everyone else sees each store's rank and its share of the leader in
 * coarse bands (0, 0.05, …, 0.95 and 1 for the leader: the bars), never its
 * revenue, metric value or order count; each store owner sees its own figure
 * and the creator sees all. The one rule is written here and every view
 * (JSON, pages, live stream, embed, public API, share card) goes through it.
 * Entries are redacted by a list of fields that may be shown, so a figure
 * added to the entry later stays hidden until listed.
 *
 * Two more things would give away another store's figures, and are not shown:
 * - its timing. A store's `lastOrderAt`, the board's change time, and its
 *   counts of held and excluded orders (a pending payment is held) move with
 *   each of its orders, so watching them would count its orders and time
 *   them. Those who may not see every figure get none of them while the
 *   race runs (the held and excluded counts come back once the results are
 *   final, when no order can move them), and the board's `updatedAt` is the
 *   competition's own (its rules or status), so their view changes only when
 *   a rank or a band does.
 * - its share to the hundredth. A store owner knows its own exact figure and
 *   share, so an exact share of every store would give the leader's figure
 *   and then everyone's to about 1 %; a band of 5 % leaves them a range.
 */
import { NotFoundError } from "../core/errors.ts";
import { type Competition, isPrivateToCreator, type Winner } from "./competitions.ts";
import type { LeaderboardEntry, OrderCounts } from "./leaderboard.ts";

/** One board entry as a viewer sees it: the figures only when allowed, `share` under privacy mode. */
export type BoardEntry = Omit<LeaderboardEntry, "revenue" | "orders" | "value" | "orderCounts"> & {
  revenue?: string;
  orders?: number;
  value?: string;
  /** Without `counted` for those who may not see the store's figures. */
  orderCounts?: Omit<OrderCounts, "counted"> & { counted?: number };
  /** The store's figure as a part of the leader's, 0–1 in hundredths (privacy mode only). */
  share?: number;
};

/** What a viewer may see of a board: every figure, or only the figures of the stores they own. */
export type FigureAccess = "all" | "own";

/** Entry fields shown to everyone; anything else (revenue, value, orders, …) is a figure. */
const PUBLIC_FIELDS = [
  "rank",
  "participantId",
  "userId",
  "displayName",
  "shop",
  "currency",
  "connected",
  "prize",
] as const;

/** The width of a share band (privacy mode): 5 % of the leader. */
export const SHARE_BAND = 0.05;

/**
 * What `viewerId` (undefined: a stranger) may see of `competition`'s figures.
 * @example figureAccess({ privacy: "ranks", creatorId: "u1" }, "u2") // "own"
 */
export function figureAccess(
  competition: Pick<Competition, "privacy" | "creatorId">,
  viewerId: string | undefined,
): FigureAccess {
  if (competition.privacy !== "ranks") return "all";
  return viewerId !== undefined && viewerId === competition.creatorId ? "all" : "own";
}

/**
 * The figure an entry is ranked by, as a number: its metric value ("1234.50",
 * "12", "+50%"); 0 for a value that is no number ("below baseline").
 */
function rankedFigure(entry: LeaderboardEntry): number {
  const figure = Number.parseFloat(entry.value ?? entry.revenue);
  return Number.isFinite(figure) ? figure : 0;
}

/**
 * `figure / leader` as the lower edge of its {@link SHARE_BAND} (0.70 for
 * anything from 70 % to under 75 %), 1 for the leader and those level with it,
 * 0 when the leader has nothing.
 * @example shareOf(712, 1000) // 0.7
 */
export function shareOf(figure: number, leader: number): number {
  if (!(leader > 0) || !(figure > 0)) return 0;
  if (figure >= leader) return 1;
  const bands = Math.round(1 / SHARE_BAND);
  return Math.floor((figure / leader) * bands) / bands;
}

/**
 * The entries as `viewerId` may see them. Open competitions are unchanged;
 * under privacy mode every entry carries `share`, and the figures stay only on
 * the viewer's own entries (or on all of them for the creator).
 *
 * @example
 * boardFor(competition, toEntries(rows, "USD"), c.var.userId)
 */
export function boardFor(
  competition: Pick<Competition, "privacy" | "creatorId" | "status">,
  entries: LeaderboardEntry[],
  viewerId: string | undefined,
): BoardEntry[] {
  if (competition.privacy !== "ranks") return entries;
  const access = figureAccess(competition, viewerId);
  const leader = entries.length > 0 ? rankedFigure(entries[0]) : 0;
  return entries.map((entry) => {
    const share = shareOf(rankedFigure(entry), leader);
    if (access === "all" || (viewerId !== undefined && entry.userId === viewerId)) return { ...entry, share };
    const shown: Record<string, unknown> = { share };
    for (const field of PUBLIC_FIELDS) if (field in entry) shown[field] = entry[field as keyof LeaderboardEntry];
    if (entry.orderCounts && competition.status === "COMPLETED") {
      shown.orderCounts = { held: entry.orderCounts.held, excluded: entry.orderCounts.excluded };
    }
    return shown as BoardEntry;
  });
}

/** Whether `viewerId` may see the exact figures of a decided place (the winner's, or any paid place's). */
export function canSeePlaceFigures(
  competition: Pick<Competition, "privacy" | "creatorId">,
  place: Pick<Winner, "userId">,
  viewerId: string | undefined,
): boolean {
  return figureAccess(competition, viewerId) === "all" || (viewerId !== undefined && place.userId === viewerId);
}

/**
 * Whether anyone may read a competition without signing in (public API,
 * embed, share card): it was funded (a draft, or one cancelled before it was
 * funded, exists only for its creator) and it is not scoped to a Whop
 * community (only the community's members see those).
 */
export function isPubliclyVisible(
  competition: Pick<Competition, "status" | "fundsTxId" | "seasonId" | "experienceId">,
): boolean {
  return competition.experienceId === undefined && !isPrivateToCreator(competition);
}

/** Throws the same 404 as an unknown id unless {@link isPubliclyVisible}. */
export function assertPubliclyVisible(
  competition: Pick<Competition, "status" | "fundsTxId" | "seasonId" | "experienceId">,
): void {
  if (!isPubliclyVisible(competition)) throw new NotFoundError("There is no competition with that id.");
}

/**
 * Whether a competition appears in the lists anyone can read (browse, the
 * public JSON list): not one of a Whop community, which only its experience
 * view lists.
 */
export function isListedPublicly(competition: Pick<Competition, "experienceId">): boolean {
  return competition.experienceId === undefined;
}
