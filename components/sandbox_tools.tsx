/**
 * The sandbox's time controls for a competition's creator: start a funded
 * competition now, or fast-forward a running one to its end (settled with
 * the production settlement and payout). Renders nothing outside sandbox
 * mode or when neither applies.
 */
import { canFastForward, canStartNow, type Competition } from "../lib/competitions/competitions.ts";

/** `<SandboxTools sandbox={deps.config.sandbox} competition={competition} now={deps.now()} />` */
export function SandboxTools(props: { sandbox: boolean; competition: Competition; now: number; returnTo?: string }) {
  const { competition, now } = props;
  if (!props.sandbox) return null;
  const start = canStartNow(competition, now);
  const end = canFastForward(competition, now);
  if (!start && !end) return null;
  const base = `/sandbox/competitions/${competition.id}`;
  return (
    <section class="card sandbox-tools" aria-labelledby="sandbox-tools-heading">
      <h2 id="sandbox-tools-heading">Sandbox time controls</h2>
      {start && (
        <form method="post" action={`${base}/start-now`}>
          <p class="muted">
            Skip the wait: the start moves to now and the competition goes live, as it would at its planned start.
          </p>
          {props.returnTo && <input type="hidden" name="returnTo" value={props.returnTo} />}
          <button type="submit">Start now (sandbox)</button>
        </form>
      )}
      {end && (
        <form method="post" action={`${base}/fast-forward`}>
          <p class="muted">
            The end moves to now; the competition is settled as at a real end: final sync, winner, and the prize paid
            out through Whop.
          </p>
          {props.returnTo && <input type="hidden" name="returnTo" value={props.returnTo} />}
          <button type="submit">Fast-forward to the end (sandbox)</button>
        </form>
      )}
    </section>
  );
}
