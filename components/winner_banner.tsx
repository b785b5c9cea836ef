/**
 * The competition page's final result: who won with what (each division's
 * winner, with divisions), the viewer's own prize and its payout, every paid
 * place, and what goes back to the creator.
 */
import type { Competition, Winner } from "../lib/competitions/competitions.ts";
import { ordinal } from "../lib/competitions/input.ts";
import { canSeePlaceFigures } from "../lib/competitions/privacy.ts";
import { paidPlaces } from "../lib/competitions/settlement.ts";
import { formatMoney, toDecimalString } from "../lib/core/money.ts";
import type { Payout } from "../lib/whop/payouts.ts";
import { PayoutState } from "./payout_state.tsx";
import { winnerFigure } from "./winner_figure.ts";

/** `<WinnerBanner competition={completed} myPlace={place} myPayout={payout} viewerId={id} />`; nothing before the end. */
export function WinnerBanner(
  props: { competition: Competition; viewerId?: string; myPlace?: Winner; myPayout: Payout | null },
) {
  const { competition } = props;
  if (competition.status !== "COMPLETED") return null;
  const places = paidPlaces(competition);
  const money = (minor: number) => formatMoney(minor, competition.currency);
  const mine = props.myPlace;
  const divisions = competition.divisions ?? [];
  return (
    <section class="card winner" aria-labelledby="winner-heading">
      <h2 id="winner-heading">Final result</h2>
      {divisions.length > 0 && (
        <ul class="division-winners">
          {divisions.map((division, i) => {
            const winner = places.find((place) => place.division === i + 1);
            return (
              <li key={division.name}>
                {division.name}: {winner
                  ? (
                    <>
                      <strong>{winner.displayName}</strong> won and takes {money(winner.amount ?? 0)}.
                    </>
                  )
                  : "no store made a sale; its prize goes back to the creator."}
              </li>
            );
          })}
        </ul>
      )}
      {divisions.length > 0 ? null : competition.winner
        ? (
          <p>
            <strong>{competition.winner.displayName}</strong> won
            {canSeePlaceFigures(competition, competition.winner, props.viewerId)
              ? ` with ${
                winnerFigure(competition, {
                  value: competition.winner.value,
                  revenue: toDecimalString(competition.winner.revenue, competition.currency),
                })
              }`
              : ""} and takes {money(competition.winner.amount ?? competition.prize)}.
          </p>
        )
        : <p>No store made a sale, so the prize goes back to the creator.</p>}
      {mine && (
        <p class="notice notice-ok you-won">
          <strong>
            You won {money(mine.amount ?? competition.prize)}
            {places.length > 1 ? ` for ${ordinal(mine.place ?? 1)} place` : ""}
            {mine.division ? ` in ${divisions[mine.division - 1]?.name}` : ""}.
          </strong>{" "}
          It is paid to your Whop account as soon as Whop has cleared the funds: <PayoutState payout={props.myPayout} />
        </p>
      )}
      {places.length > 1 && (
        <ol class="places">
          {places.map((place) => (
            <li key={`${place.division}-${place.place}`}>
              {place.division ? `${divisions[place.division - 1]?.name}, ` : ""}
              {ordinal(place.place ?? 1)}: <strong>{place.displayName}</strong> — {money(place.amount ?? 0)}
            </li>
          ))}
        </ol>
      )}
      {(competition.unearned ?? 0) > 0 && places.length > 0 && (
        <p class="muted">{money(competition.unearned!)} for places no store earned goes back to the creator.</p>
      )}
    </section>
  );
}
