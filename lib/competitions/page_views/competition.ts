/**
 * The competition page's model (`GET /competitions/:id`): the board as the
 * viewer may see it, the viewer's own store, orders, place and payout, the
 * join refusal that sent them back, whether stores may still join, and the
 * race chart when the viewer may see exact figures. Computed here so the
 * page only lays it out.
 */
import { getPayout, type Payout } from "../../whop/payouts.ts";
import {
  type Competition,
  getVisibleCompetitionRecord,
  isLive,
  isOpenForJoining,
  type Winner,
} from "../competitions.ts";
import { findParticipantOfUser, type Participant } from "../participants.ts";
import { isJoinRefusalCode, JOIN_REFUSALS } from "../join_rules.ts";
import { figureAccess, isPubliclyVisible } from "../privacy.ts";
import type { RaceLine } from "../race_line.ts";
import { readRaceLines } from "../race_series.ts";
import { type OwnStoreView, ownStoreView } from "../own_store.ts";
import { paidPlaces } from "../settlement.ts";
import { type LeaderboardView, leaderboardView, readBoardDisqualified } from "../views.ts";
import { liveRegionsVersion } from "../../live/regions.ts";
import { shownDivision } from "../divisions.ts";
import { listOwnedConnections } from "../../shopify/connections.ts";

/** The race chart's data: exact figures, so only for a viewer who may see them all. */
export interface RaceChartView {
  startMs: number;
  endMs: number;
  currency: string;
  lines: RaceLine[];
  metric: Competition["metric"];
  /** Where the plotted time ends: now, or the end once passed. */
  untilMs: number;
  youParticipantId?: string;
}

/** What the competition page shows. */
export interface CompetitionPageView {
  competition: Competition;
  /** The clock the view was computed at. */
  now: number;
  viewerId?: string;
  isCreator: boolean;
  leaderboard: LeaderboardView;
  /** With divisions: the division whose board is shown (its tab). */
  division?: number;
  /** The viewer's own store in it, if they joined. */
  participant: Participant | null;
  /** That store as its panels show it ("Your store", "Your orders"). */
  ownStore: OwnStoreView | null;
  /** The place the viewer won, once complete. */
  myPlace?: Winner;
  myPayout: Payout | null;
  /** The sentence of the join refusal that sent the browser back (`?joinError=<code>`), when not yet joined. */
  joinError?: string;
  /** Stores may still join (and a disconnected one reconnect). */
  open: boolean;
  /** The viewer's connected stores that may join with one click (not joined yet, open, same currency). */
  connectedStores: { shop: string; name?: string }[];
  /** The chart, for a viewer who sees every figure; undefined otherwise. */
  chart?: RaceChartView;
  /** The chart follows the live stream (live, and not privacy mode: the stream hides figures). */
  liveChart: boolean;
}

/** The place `viewerId` won in a completed competition, if any. */
export function placeOf(competition: Competition, viewerId: string | undefined): Winner | undefined {
  if (competition.status !== "COMPLETED" || !viewerId) return undefined;
  return paidPlaces(competition).find((place) => place.userId === viewerId);
}

/**
 * Who reads a competition page, as far as it changes what the page shows:
 * the competition as they may see it, their store in it, the stores they
 * could join with, and whether they see it as every other reader of their
 * kind does.
 */
export interface PageReader {
  competition: Competition;
  /** The clock the reader was read at. */
  now: number;
  viewerId?: string;
  /** Their store in it, if they joined. */
  participant: Participant | null;
  /** Stores may still join (and a disconnected one reconnect). */
  open: boolean;
  /** Their connected stores that may join with one click (not joined yet, open, same currency). */
  connectedStores: { shop: string; name?: string }[];
  /**
   * The readers who see exactly this page: `stranger` (signed out) or
   * `onlooker` (signed in, not its creator, no store or place in it, no store
   * that could join it); undefined when the page is the reader's own.
   */
  sharedAs?: "stranger" | "onlooker";
  /** Anyone may see it: the page carries share tags. */
  shareable: boolean;
  /** The competition record's versionstamp: any change to it (settings, a store erased) is a new page. */
  revision: string;
}

/**
 * The reader of competition `id`'s page: `viewerId` (undefined: signed out);
 * 404 as for every read when it is private to someone else.
 */
export async function competitionPageReader(
  deps: { kv: Deno.Kv; now: () => number },
  id: string,
  viewerId: string | undefined,
): Promise<PageReader> {
  const { kv } = deps;
  const { competition, versionstamp } = await getVisibleCompetitionRecord(kv, id, viewerId);
  const now = deps.now();
  const participant = viewerId ? await findParticipantOfUser(kv, viewerId, competition.id) : null;
  const open = isOpenForJoining(competition, now);
  const connectedStores = viewerId && !participant && open && viewerId !== competition.creatorId
    ? (await listOwnedConnections(kv, viewerId))
      .filter((connection) => !connection.currency || connection.currency === competition.currency)
      .map(({ shop, name }) => ({ shop, name }))
    : [];
  const placed = viewerId !== undefined && paidPlaces(competition).some((place) => place.userId === viewerId);
  const onlooker = viewerId !== undefined && viewerId !== competition.creatorId && !participant && !placed &&
    connectedStores.length === 0;
  const sharedAs = viewerId === undefined ? "stranger" : onlooker ? "onlooker" : undefined;
  return {
    competition,
    now,
    viewerId,
    participant,
    open,
    connectedStores,
    sharedAs,
    shareable: isPubliclyVisible(competition),
    revision: versionstamp,
  };
}

/**
 * The version of the live regions `reader`'s page shows now (the
 * `boardRegionsVersion` of the board its view would read), without reading
 * the board: what a page load asks the shared renderings for.
 */
export async function pageRegionsVersion(
  deps: { kv: Deno.Kv },
  reader: PageReader,
  query: { division?: string } = {},
): Promise<string> {
  const { competition, participant } = reader;
  const division = shownDivision(competition, query.division, participant?.division);
  const out = await readBoardDisqualified(deps.kv, competition, division);
  return liveRegionsVersion(competition.status, out.map((row) => row.id));
}

/**
 * The page `reader` reads (`competitionPageReader`). `query.joinError` is the
 * query's code: only a code the server chose becomes a sentence.
 * `query.division` picks the division whose board is shown (a page never
 * refuses one: else the viewer's own store's, else the first).
 */
export async function competitionPageView(
  deps: { kv: Deno.Kv },
  reader: PageReader,
  query: { joinError?: string; division?: string } = {},
): Promise<CompetitionPageView> {
  const { kv } = deps;
  const { competition, now, viewerId, participant, open, connectedStores } = reader;
  const joinErrorCode = query.joinError;
  const division = shownDivision(competition, query.division, participant?.division);
  const [leaderboard, ownStore] = await Promise.all([
    leaderboardView(kv, competition, 100, viewerId, division),
    participant ? ownStoreView(kv, participant, competition.currency) : null,
  ]);
  const myPlace = placeOf(competition, viewerId);
  const myPayout = myPlace ? await getPayout(kv, competition.id, myPlace.place ?? 1, myPlace.division) : null;
  const joinError = participant || !isJoinRefusalCode(joinErrorCode)
    ? undefined
    : JOIN_REFUSALS[joinErrorCode](competition);
  const startMs = Date.parse(competition.startDate);
  const endMs = Date.parse(competition.endDate);
  const untilMs = Math.min(now, endMs);
  // The race chart plots exact figures: under privacy mode only the creator sees it, and not live (the stream hides them).
  const chart = figureAccess(competition, viewerId) === "all"
    ? {
      startMs,
      endMs,
      currency: competition.currency,
      lines: await readRaceLines(kv, competition, leaderboard.entries, untilMs),
      metric: competition.metric,
      untilMs,
      youParticipantId: participant?.id,
    }
    : undefined;
  return {
    competition,
    now,
    viewerId,
    isCreator: viewerId === competition.creatorId,
    leaderboard,
    division,
    participant,
    ownStore,
    myPlace,
    myPayout,
    joinError,
    open,
    connectedStores,
    chart,
    liveChart: isLive(competition) && competition.privacy !== "ranks",
  };
}
