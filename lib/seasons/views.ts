/**
 * What a season looks like to the API and the pages: the season with money
 * as decimal strings (never its checkout), its rounds (made, scheduled or
 * cancelled), and the standings with each store's name read from its latest
 * round's participant (so an erased store is "Removed store"). Points and
 * positions are public; store figures stay on the rounds' boards, under
 * their privacy rules.
 */
import { keys, readMany } from "../core/db.ts";
import { toDecimalString } from "../core/money.ts";
import { plainText } from "../core/text.ts";
import type { Competition, CompetitionStatus } from "../competitions/competitions.ts";
import type { Participant } from "../competitions/participants.ts";
import { playedRounds, type Season, seasonEscrow, standingsTables } from "./seasons.ts";
import { roundWindows } from "./season_input.ts";
import { loadRounds } from "./rounds.ts";
import { computeStandings, listRoundResults, type Standings } from "./standings.ts";

/** A season as the API shows it: money as decimal strings, the funding checkout left out. */
export function seasonView(season: Season) {
  const { checkout: _checkout, template, places, unearned, ...shown } = season;
  const money = (minor: number) => toDecimalString(minor, season.currency);
  return {
    ...shown,
    template: {
      ...template,
      prize: money(template.prize),
      growthMinBaseline: money(template.growthMinBaseline),
      customerCap: template.customerCap === undefined ? undefined : money(template.customerCap),
    },
    seasonPrize: money(season.seasonPrize),
    /** Every round's prize and the season prize of every table: what the one checkout funds. */
    escrow: money(seasonEscrow(season)),
    playedRounds: playedRounds(season),
    places: places?.map((place) => ({ ...place, amount: money(place.amount) })),
    unearned: unearned === undefined ? undefined : money(unearned),
  };
}

/** One round of a season: made (its competition's status), still to be made (`SCHEDULED`), or called off. */
export interface RoundView {
  round: number;
  competitionId: string | null;
  title: string | null;
  status: CompetitionStatus | "SCHEDULED";
  startDate: string;
  endDate: string;
  prize: string;
  /** The winner's name once the round is decided: 1st place of each board, "<division>: <store>" with divisions. */
  winners: string[];
}

/** Every round of the season, in order. */
export function roundViews(season: Season, made: readonly Competition[]): RoundView[] {
  const byRound = new Map(made.map((round) => [round.seasonRound, round]));
  return roundWindows(season).map((window): RoundView => {
    const competition = byRound.get(window.round);
    const calledOff = window.round > playedRounds(season) || season.status === "CANCELLED";
    return {
      round: window.round,
      competitionId: competition?.id ?? null,
      title: competition?.title ?? null,
      status: competition?.status ?? (calledOff ? "CANCELLED" : "SCHEDULED"),
      startDate: window.startDate,
      endDate: window.endDate,
      prize: toDecimalString(season.template.prize, season.currency),
      winners: (competition?.places ?? []).filter((place) => (place.place ?? 1) === 1).map((place) => {
        const division = place.division === undefined ? undefined : competition?.divisions?.[place.division - 1];
        return division ? `${division.name}: ${plainText(place.displayName)}` : plainText(place.displayName);
      }),
    };
  });
}

/** One standings table as shown: its division's name (none without divisions) and its rows. */
export interface StandingsTableView {
  division?: number;
  name?: string;
  rows: {
    position: number;
    userId: string;
    displayName: string;
    points: number;
    rounds: number;
    firsts: number;
    /** The season prize the place takes (decided, or as things stand), decimal string. */
    prize?: string;
  }[];
}

/** The standings as shown, one table per standings table of the season (empty tables included). */
export async function standingsView(kv: Deno.Kv, season: Season, standings: Standings): Promise<StandingsTableView[]> {
  const ids = standings.flat().map((row) => row.participantId);
  const names = new Map<string, string>();
  for (const participant of await readMany<Participant>(kv, ids.map(keys.participant))) {
    if (participant) names.set(participant.id, plainText(participant.displayName));
  }
  const divisions = season.template.divisions;
  return standingsTables(season).map((division) => {
    const rows = standings.find((table) => table[0]?.division === division) ?? [];
    const paid = (season.places ?? []).filter((place) => place.division === division);
    return {
      ...(division === undefined ? {} : { division, name: divisions?.[division - 1]?.name }),
      rows: rows.map((row) => {
        const place = paid.find((candidate) => candidate.userId === row.userId);
        return {
          position: row.position,
          userId: row.userId,
          displayName: names.get(row.participantId) ?? "A store",
          points: row.points,
          rounds: row.rounds,
          firsts: row.firsts,
          ...(place ? { prize: toDecimalString(place.amount, season.currency) } : {}),
        };
      }),
    };
  });
}

/** `GET /api/seasons/:id`: the season, its rounds and its standings. */
export async function seasonDetailView(kv: Deno.Kv, season: Season) {
  const [made, results] = await Promise.all([loadRounds(kv, season), listRoundResults(kv, season.id)]);
  return {
    season: seasonView(season),
    rounds: roundViews(season, made),
    standings: await standingsView(kv, season, computeStandings(results)),
  };
}

/** The JSON shape of {@link seasonDetailView}. */
export type SeasonDetailView = Awaited<ReturnType<typeof seasonDetailView>>;
