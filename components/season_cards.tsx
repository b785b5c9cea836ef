/**
 * The season page's cards (`/seasons/:id`): its facts, the standings (one
 * table per division), the rounds, the round racing now with its board, and
 * for the creator the funding, the money's state and the cancellation. All
 * server-rendered: the page works without JavaScript. One idea past 300
 * lines: the cards of one page, sharing its season and its wording.
 */
import { formatMoney } from "../lib/core/money.ts";
import { describeSplit, prizeSplitOf } from "../lib/competitions/prize_split.ts";
import { divisionRange } from "../lib/competitions/divisions.ts";
import { playedRounds, type Season, seasonEscrow, standingsTables } from "../lib/seasons/seasons.ts";
import type { RoundView, StandingsTableView } from "../lib/seasons/views.ts";
import type { CancelOffer } from "../lib/seasons/page_views.ts";
import type { SeasonPayout } from "../lib/whop/season_payouts.ts";
import type { LeaderboardView } from "../lib/competitions/views.ts";
import type { Competition } from "../lib/competitions/competitions.ts";
import { formatDecimalMoney, ordinal } from "./format.ts";
import { StatusBadge } from "./status_badge.tsx";
import { LeaderboardTable } from "./leaderboard_table.tsx";
import { LiveLeaderboardIsland } from "./island_wrappers.ts";
import { PayoutState } from "./payout_state.tsx";
import { FundingBreakdown } from "./funding_card.tsx";
import { LocalTimeIsland, SubmitButtonIsland } from "./island_wrappers.ts";

const EVERY: Record<Season["every"], string> = { day: "day", week: "week", month: "month" };

/** "rounds 3 to 5", or "round 5" when it is the last alone. */
function roundsFrom(from: number, last: number): string {
  return from === last ? `round ${last}` : `rounds ${from} to ${last}`;
}

/** The season's rules in a few lines: rounds, prizes, points. */
export function SeasonFacts(props: { season: Season }) {
  const { season } = props;
  const money = (minor: number) => formatMoney(minor, season.currency);
  const tables = standingsTables(season).length;
  return (
    <dl class="facts season-facts">
      <div>
        <dt>Rounds</dt>
        <dd>
          {season.rounds} rounds, one every {EVERY[season.every]}
          {season.roundHours ? `, ${season.roundHours} hours each` : ""}, from{" "}
          <LocalTimeIsland iso={season.startDate} />
          {season.cancelledFromRound && `; from ${roundsFrom(season.cancelledFromRound, season.rounds)}, called off`}
        </dd>
      </div>
      <div>
        <dt>Each round pays</dt>
        <dd>
          {season.template.divisions?.length
            ? (
              <ul class="payout-list">
                {season.template.divisions.map((division, i) => (
                  <li key={division.name}>
                    {division.name} ({divisionRange(season.template.divisions!, i + 1, season.currency)}):{" "}
                    {describeSplit(division.prize, prizeSplitOf(division), season.currency)}
                  </li>
                ))}
              </ul>
            )
            : describeSplit(season.template.prize, season.template.prizeSplit, season.currency)}
        </dd>
      </div>
      <div>
        <dt>Points per round</dt>
        <dd>{season.points.map((points, i) => `${ordinal(i + 1)} ${points}`).join(", ")}</dd>
      </div>
      <div>
        <dt>Season prize</dt>
        <dd>
          {season.seasonPrize > 0
            ? `${describeSplit(season.seasonPrize, season.seasonPrizeSplit, season.currency)}${
              tables > 1 ? ` in each of the ${tables} divisions' standings` : ""
            }, after round ${playedRounds(season)}`
            : "None: each round pays its own prize"}
        </dd>
      </div>
      <div>
        <dt>In escrow</dt>
        <dd>{money(seasonEscrow(season))} for every round and the season prize, paid once</dd>
      </div>
    </dl>
  );
}

/** `<StandingsCard tables={…} currency="USD" />`: one table per division (one without divisions). */
export function StandingsCard(props: { tables: StandingsTableView[]; currency: string; youUserId?: string }) {
  return (
    <section class="card" aria-labelledby="standings-heading">
      <h2 id="standings-heading">Standings</h2>
      {props.tables.map((table) => (
        <div key={table.division ?? 0} class="table-scroll">
          {table.rows.length === 0
            ? (
              <p class="muted">
                {table.name ? `${table.name}: no` : "No"} points yet: they come with each round's places.
              </p>
            )
            : (
              <table class="data-table standings-table">
                <caption class={table.name ? undefined : "visually-hidden"}>{table.name ?? "Standings"}</caption>
                <thead>
                  <tr>
                    <th scope="col" class="num">#</th>
                    <th scope="col">Store</th>
                    <th scope="col" class="num">Points</th>
                    <th scope="col" class="num">Rounds</th>
                    <th scope="col" class="num">1st places</th>
                    <th scope="col" class="num">Season prize</th>
                  </tr>
                </thead>
                <tbody>
                  {table.rows.map((row) => (
                    <tr key={row.userId} class={row.userId === props.youUserId ? "you" : undefined}>
                      <td class="num" data-label="Position">{row.position}</td>
                      <th scope="row">
                        {row.displayName}
                        {row.userId === props.youUserId && <span class="tag tag-ok">You</span>}
                      </th>
                      <td class="num" data-label="Points">{row.points}</td>
                      <td class="num" data-label="Rounds">{row.rounds}</td>
                      <td class="num" data-label="1st places">{row.firsts}</td>
                      <td class="num" data-label="Season prize">
                        {row.prize ? formatDecimalMoney(row.prize, props.currency) : "—"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
        </div>
      ))}
    </section>
  );
}

const ROUND_STATUS: Record<string, string> = { SCHEDULED: "Scheduled" };

/** `<RoundsCard rounds={…} currency="USD" />`: every round, its window, state and winner. */
export function RoundsCard(props: { rounds: RoundView[]; currency: string }) {
  return (
    <section class="card" aria-labelledby="rounds-heading">
      <h2 id="rounds-heading">Rounds</h2>
      <div class="table-scroll">
        <table class="data-table">
          <caption class="visually-hidden">Rounds</caption>
          <thead>
            <tr>
              <th scope="col">Round</th>
              <th scope="col">Starts</th>
              <th scope="col">Status</th>
              <th scope="col">Winner</th>
            </tr>
          </thead>
          <tbody>
            {props.rounds.map((round) => (
              <tr key={round.round}>
                <th scope="row">
                  {round.competitionId
                    ? <a href={`/competitions/${round.competitionId}`}>Round {round.round}</a>
                    : `Round ${round.round}`}
                </th>
                <td data-label="Starts">
                  <LocalTimeIsland iso={round.startDate} />
                </td>
                <td data-label="Status">
                  {round.status in ROUND_STATUS
                    ? <span class="badge badge-upcoming">{ROUND_STATUS[round.status]}</span>
                    : <StatusBadge status={round.status as Competition["status"]} />}
                </td>
                <td data-label="Winner">{round.winners.join("; ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * `<LiveRoundCard competition={round} boards={…} />`: the round racing now
 * (or next), its top places on each board (one per division), live while
 * the round races (the competition page's island and stream).
 */
export function LiveRoundCard(props: { competition: Competition; boards: LeaderboardView[]; youUserId?: string }) {
  const { competition, boards } = props;
  const live = competition.status === "ACTIVE" || competition.status === "SETTLING";
  return (
    <section class="card" aria-labelledby="live-round-heading">
      <h2 id="live-round-heading">
        {live ? "Racing now" : "Next"}: round {competition.seasonRound} <StatusBadge status={competition.status} />
      </h2>
      {boards.map((board) => {
        const caption = board.division ? board.division.name : `Round ${competition.seasonRound}`;
        const you = board.entries.find((entry) => entry.userId === props.youUserId);
        if (live) {
          return (
            <div key={caption}>
              {board.division && <h3>{caption}</h3>}
              <LiveLeaderboardIsland {...board} youParticipantId={you?.participantId} />
            </div>
          );
        }
        return board.entries.length > 0
          ? (
            <LeaderboardTable
              key={caption}
              entries={board.entries}
              metric={competition.metric}
              youParticipantId={you?.participantId}
              caption={caption}
            />
          )
          : <p key={caption} class="muted">{board.division ? `${caption}: no` : "No"} store on the board yet.</p>;
      })}
      <p>
        <a href={`/competitions/${competition.id}`}>Follow round {competition.seasonRound} live</a>
      </p>
    </section>
  );
}

/** `<SeasonFundCard season={draft} funding={{ amount, fee }} />`: the creator's one checkout for the whole season. */
export function SeasonFundCard(props: { season: Season; funding: { amount: number; fee: number } }) {
  const { season } = props;
  const funding = season.checkout ?? props.funding;
  const pay = formatMoney(funding.amount, season.currency);
  return (
    <section class="card" aria-labelledby="fund-heading">
      <h2 id="fund-heading">Fund the season</h2>
      <p>
        One payment holds every round's prize and the season prize in escrow on Whop. The season opens to stores once it
        is paid; unfunded, it is cancelled when round 1's start passes.
      </p>
      <FundingBreakdown
        currency={season.currency}
        prize={seasonEscrow(season)}
        fee={funding.fee}
        amount={funding.amount}
        label="Prizes"
      />
      <form method="post" action={`/api/seasons/${season.id}/fund`}>
        <SubmitButtonIsland label={`Fund ${pay} with Whop`} pendingLabel="Preparing the checkout…" />
      </form>
    </section>
  );
}

/** `<SeasonCancelCard season={season} offer={offer} />`: what cancelling does now, confirmed by a tick. */
export function SeasonCancelCard(props: { season: Season; offer: CancelOffer }) {
  const { season, offer } = props;
  const refund = offer.refund === null ? null : formatMoney(offer.refund, season.currency);
  return (
    <section class="card danger-zone" aria-labelledby="cancel-heading">
      <h2 id="cancel-heading">{offer.whole ? "Cancel the season" : "Call off the rounds not started"}</h2>
      <p>
        {offer.whole
          ? refund
            ? `No round has started: the season is cancelled and your ${refund} payment is refunded through Whop.`
            : "The draft is cancelled; nothing was paid, so nothing is refunded."
          : `Calling off ${roundsFrom(offer.fromRound, season.rounds)} refunds ${refund} of prizes through Whop. ` +
            `The rounds already started play on, and the season prize is paid on their standings.`}{" "}
        This cannot be undone.
      </p>
      <form method="post" action={`/api/seasons/${season.id}/cancel`}>
        <label class="checkbox">
          <input type="checkbox" name="confirm" value="yes" required /> Yes,{" "}
          {offer.whole ? "cancel the season" : `call off ${roundsFrom(offer.fromRound, season.rounds)}`}
        </label>
        <button type="submit" class="button-danger">{offer.whole ? "Cancel season" : "Call off rounds"}</button>
      </form>
    </section>
  );
}

/** `<SeasonPayoutsCard payouts={…} />`: the season prize's transfers, each as Whop's record says. */
export function SeasonPayoutsCard(props: { payouts: SeasonPayout[]; currency: string }) {
  if (props.payouts.length === 0) return null;
  return (
    <section class="card" aria-labelledby="season-payouts-heading">
      <h2 id="season-payouts-heading">Season prize payouts</h2>
      <ul class="payout-list">
        {props.payouts.map((payout) => (
          <li key={payout.idempotenceKey}>
            {payout.place === "creator" ? "Unearned, back to you" : `${ordinal(payout.place)} place`}
            {payout.table > 0 ? ` (division ${payout.table})` : ""}: {formatMoney(payout.amount, props.currency)}{" "}
            <PayoutState payout={payout} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** `<SeasonCard season={season} />`: one season in a list, linking to its page. */
export function SeasonCard(props: { season: Season }) {
  const { season } = props;
  return (
    <article class="card competition-card season-card">
      <header class="card-head">
        <h3 class="card-title">
          <a href={`/seasons/${season.id}`}>{season.title}</a>
        </h3>
        <StatusBadge status={season.status} />
      </header>
      <p class="prize">{formatMoney(seasonEscrow(season), season.currency)} in prizes</p>
      <dl class="facts">
        <div>
          <dt>Rounds</dt>
          <dd>
            {playedRounds(season)}, every {EVERY[season.every]}
          </dd>
        </div>
        <div>
          <dt>Starts</dt>
          <dd>
            <LocalTimeIsland iso={season.startDate} />
          </dd>
        </div>
      </dl>
    </article>
  );
}
