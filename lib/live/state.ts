/**
 * What the live view knows about one competition at one change: the
 * leaderboard JSON serialized once, and the frames built from it.
 */
import { keys } from "../core/db.ts";
import type { Competition } from "../competitions/competitions.ts";
import type { Participant } from "../competitions/participants.ts";
import { NotFoundError } from "../core/errors.ts";
import { eventFrame, type LiveEventName, type LiveFrame } from "./sse.ts";
import { boardRegionsVersion, refreshWithinMs, type RegionsRefresh } from "./regions.ts";

/** The leaderboard JSON (as `GET /api/competitions/:id/leaderboard` answers) with the fields the events need. */
export interface LiveLeaderboard {
  competition: { status: string; participantCount: number; winner?: unknown };
  disqualified?: { participantId: string }[];
}

/**
 * Builds the leaderboard JSON of a competition as `viewerId` may see it
 * (undefined: a stranger), of division `division`'s board with divisions.
 */
export type RenderLeaderboard = (
  competition: Competition,
  viewerId?: string,
  division?: number,
) => Promise<LiveLeaderboard>;

/** Builds a store owner's own panels (`own` events) from its participant record. */
export type RenderOwnStore = (competition: Competition, participant: Participant) => Promise<unknown>;

/** A competition's live state at the change whose versionstamp is `id`. */
export interface LiveState {
  id: string;
  /** The competition as read with the change key. */
  competition: Competition;
  leaderboardJson: string;
  participantCount: number;
  status: string;
  winnerJson: string;
  /** The version of a competition page's live regions at this change (`regions.ts`). */
  regionsVersion: string;
  frames: Map<LiveEventName, LiveFrame>;
}

/** The versionstamp used as event id before anything ever bumped the change key. */
export const NO_CHANGE = "0";

/**
 * Reads a competition's live state: the change key and the competition in one
 * consistent read, then the leaderboard, serialized once.
 */
export async function readLiveState(
  kv: Deno.Kv,
  competitionId: string,
  render: RenderLeaderboard,
): Promise<LiveState> {
  const [change, entry] = await kv.getMany<[unknown, Competition]>([
    keys.changes(competitionId),
    keys.competition(competitionId),
  ]);
  if (!entry.value) throw new NotFoundError("There is no competition with that id.");
  const id = change.versionstamp ?? NO_CHANGE;
  const leaderboard = await render(entry.value);
  const leaderboardJson = JSON.stringify(leaderboard);
  const { status, participantCount, winner } = leaderboard.competition;
  const frames = new Map<LiveEventName, LiveFrame>([
    ["leaderboard", eventFrame("leaderboard", id, leaderboardJson)],
    ["join", eventFrame("join", id, { participantCount })],
    ["status", eventFrame("status", id, { status })],
  ]);
  if (winner) frames.set("winner", eventFrame("winner", id, { winner }));
  return {
    id,
    competition: entry.value,
    leaderboardJson,
    participantCount,
    status,
    winnerJson: JSON.stringify(winner ?? null),
    regionsVersion: boardRegionsVersion(leaderboard),
    frames,
  };
}

/** The frames a newly connected client gets first: the leaderboard, the status and the winner when there is one. */
export function snapshotFrames(state: LiveState): LiveFrame[] {
  return (["leaderboard", "status", "winner"] as const).flatMap((kind) => state.frames.get(kind) ?? []);
}

/**
 * The leaderboard JSON without its `updatedAt` (its last field, the time of
 * the competition's last write): two states that differ only by it show the
 * same board. A write that leaves a board as it was (an order in another
 * division, a sync's progress) then sends its viewers nothing.
 */
function shownBoard(json: string): string {
  const at = json.lastIndexOf(',"updatedAt":');
  return at === -1 ? json : json.slice(0, at);
}

/**
 * The frames for what changed between two states, in a fixed order. When the
 * live regions' version moved (a status, a disqualification), a `refresh`
 * frame comes first: its window is sized by the `readers` the process streams
 * this board to (`refreshWithinMs`), so the pages know how far apart to ask
 * for their regions before the frames that tell them why.
 */
export function changedFrames(previous: LiveState, next: LiveState, readers: number): LiveFrame[] {
  const changed: Record<"leaderboard" | "join" | "status" | "winner", boolean> = {
    leaderboard: shownBoard(next.leaderboardJson) !== shownBoard(previous.leaderboardJson),
    join: next.participantCount !== previous.participantCount,
    status: next.status !== previous.status,
    winner: next.winnerJson !== previous.winnerJson,
  };
  const refresh: RegionsRefresh = { version: next.regionsVersion, withinMs: refreshWithinMs(readers) };
  return [
    ...(next.regionsVersion !== previous.regionsVersion ? [eventFrame("refresh", next.id, refresh)] : []),
    ...(["leaderboard", "join", "status", "winner"] as const)
      .flatMap((kind) => changed[kind] ? next.frames.get(kind) ?? [] : []),
  ];
}
