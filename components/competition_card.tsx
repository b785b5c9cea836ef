/** One competition in a list: title, status, prize, countdown, participants and its winner (each division's). */
import type { Competition } from "../lib/competitions/competitions.ts";
import { formatMoney } from "../lib/core/money.ts";
import { StatusBadge } from "./status_badge.tsx";
import { CountdownIsland } from "./island_wrappers.ts";

/** What the countdown of a competition counts to, or `null` once it is over. */
export function countdownTarget(competition: Competition): { label: string; to: string } | null {
  switch (competition.status) {
    case "DRAFT":
    case "UPCOMING":
      return { label: "Starts in", to: competition.startDate };
    case "ACTIVE":
      return { label: "Ends in", to: competition.endDate };
    case "SETTLING":
      return competition.settlesAt ? { label: "Final in", to: competition.settlesAt } : null;
    default:
      return null;
  }
}

/** The running countdown as an item of a `<dl class="facts">` ("Ends in 6d 23h"), or nothing once it is over. */
export function CountdownFact(props: { competition: Competition }) {
  const countdown = countdownTarget(props.competition);
  if (!countdown) return null;
  return (
    <div>
      <dt>{countdown.label}</dt>
      <dd>
        <CountdownIsland to={countdown.to} />
      </dd>
    </div>
  );
}

/** A card linking to the competition page. */
export function CompetitionCard(props: { competition: Competition }) {
  const { competition } = props;
  return (
    <article class="card competition-card">
      <header class="card-head">
        <h2 class="card-title">
          <a href={`/competitions/${competition.id}`}>{competition.title}</a>
        </h2>
        <StatusBadge status={competition.status} />
      </header>
      <p class="prize">{formatMoney(competition.prize, competition.currency)}</p>
      <dl class="facts">
        <CountdownFact competition={competition} />
        <div>
          <dt>Stores</dt>
          <dd>{competition.participantCount}</dd>
        </div>
        {competition.winner && (
          <div>
            <dt>{competition.divisions?.length ? "Winners" : "Winner"}</dt>
            <dd>
              {competition.divisions?.length
                ? (competition.places ?? []).filter((place) => (place.place ?? 1) === 1).map((place) =>
                  place.displayName
                ).join(", ")
                : competition.winner.displayName}
            </dd>
          </div>
        )}
      </dl>
    </article>
  );
}
