/**
 * Issue #23.1: a $1.00 payment must never fund a $1,500.00 prize. Over real
 * HTTP, the app serving on loopback and the simulated Whop delivering the
 * signed `payment.succeeded` webhook to it, PATCH requests move the prize
 * between 1.00 and 1500.00 while the payment for a 1.00 checkout is applied.
 *
 * - A checkout recorded on the competition freezes its prize: every PATCH of
 *   the prize is a 409, and the competition ends funded at 1.00.
 * - A checkout that is not (or no longer) the competition's — made before
 *   the prize changed, as a checkout orphaned by an edit is — is not frozen,
 *   so the race is real: whatever wins, a competition ends funded only for a
 *   prize its payment's `amount_after_fees` covers, else in DRAFT with the
 *   payment refunded, never both.
 *
 * Each kind runs 30 races (60 in all). Against the funding module before the
 * fix (the covering check on a record read before the commit) the second kind
 * ends funded for 1,500.00 within a few races.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { getCompetition } from "../lib/competitions/competitions.ts";
import { getRefund } from "../lib/whop/refunds.ts";
import { createWhopClient, fromWhopAmount } from "../lib/whop/client.ts";
import { draftCompetition } from "../testing/page_fixtures.ts";

const CREATOR = "user_CreatorAvaQ7m2x";
const RACES = 30;

/**
 * PATCHes over HTTP, as an attacker's script would: eight loops at once,
 * each moving the prize between 1500.00 and 1.00, at least `minimum`
 * requests each and on until `settled` (the payment's webhook) has settled.
 * Returns the statuses.
 */
async function patchPrizes(
  t: TestApp,
  id: string,
  token: string,
  settled: Promise<unknown>,
  minimum: number,
): Promise<number[]> {
  let done = false;
  settled.finally(() => done = true);
  const statuses: number[] = [];
  const loop = async (first: number) => {
    for (let i = first; i < first + minimum || !done; i++) {
      const res = await fetch(`${t.url}/api/competitions/${id}`, {
        method: "PATCH",
        headers: { "x-whop-user-token": token, "content-type": "application/json" },
        body: JSON.stringify({ prize: i % 2 === 0 ? "1500.00" : "1.00" }),
      });
      await res.body?.cancel();
      statuses.push(res.status);
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, i) => loop(i)));
  return statuses;
}

/** Checks the invariant: funded only for a prize the payment covers; otherwise a draft, its payment refunded. */
async function assertCovered(t: TestApp, id: string, paymentId: string): Promise<"funded" | "refunded"> {
  const competition = await getCompetition(t.kv, id);
  const payment = t.whop!.paymentData(paymentId);
  const afterFees = fromWhopAmount(payment.amount_after_fees, "USD");
  const refund = await getRefund(t.kv, { kind: "payment", paymentId });
  if (competition.status === "UPCOMING") {
    assert.equal(competition.fundsTxId, paymentId);
    assert.ok(
      competition.prize <= afterFees,
      `funded for ${competition.prize} cents by a payment leaving ${afterFees} cents`,
    );
    assert.equal(refund, null, "a payment that funds is never also refunded");
    return "funded";
  }
  assert.equal(competition.status, "DRAFT");
  assert.ok(refund, "a payment that could not fund is refunded");
  // Decided against the prize committed then (later PATCHes may have moved it back to 1.00).
  assert.match(
    competition.fundingIssue ?? "",
    /left \$1\.00 after Whop's fee, which does not cover the \$1,500\.00 prize/,
  );
  return "refunded";
}

Deno.test("funding race - a checkout freezes the prize: PATCH is a 409 while its payment funds the 1.00 prize", async () => {
  await using t = await createTestApp({}, { whop: true });
  const token = await t.signer.sign(CREATOR);
  for (let race = 0; race < RACES; race++) {
    const { id } = await draftCompetition(t, CREATOR, `Frozen race ${race}`, "1.00");
    const fund = await t.request(`/api/competitions/${id}/fund`, { method: "POST", userId: CREATOR });
    const { checkoutUrl } = await fund.json();
    const checkoutId = new URL(checkoutUrl).pathname.split("/").pop()!;
    const paying = t.whop!.pay(checkoutId, { userId: CREATOR });
    const [payment, statuses] = await Promise.all([paying, patchPrizes(t, id, token, paying, 2)]);
    assert.ok(
      statuses.every((status) => status === 409),
      "the prize of a priced draft, then of a funded one, is locked",
    );
    assert.equal(await assertCovered(t, id, payment.id), "funded");
    assert.equal((await getCompetition(t.kv, id)).prize, 100);
  }
});

Deno.test("funding race - a payment races PATCH of the prize: funded only for what its amount after fees covers", async () => {
  await using t = await createTestApp({}, { whop: true, kvFile: true });
  const token = await t.signer.sign(CREATOR);
  const whop = createWhopClient(t.config)!;
  const outcomes = { funded: 0, refunded: 0 };
  for (let race = 0; race < RACES; race++) {
    const { id } = await draftCompetition(t, CREATOR, `Open race ${race}`, "1.00");
    // A checkout for the 1.00 prize that the competition does not hold (as one orphaned by an edit).
    const checkout = await whop.checkoutConfigurations.create({
      plan: {
        initial_price: 1.34,
        currency: "usd",
        plan_type: "one_time",
        title: "Prize",
        account_id: t.config.whop.companyId,
      },
      metadata: { competitionId: id },
    });
    const paying = t.whop!.pay(checkout.id, { userId: CREATOR });
    const [payment, statuses] = await Promise.all([paying, patchPrizes(t, id, token, paying, 2)]);
    // Each PATCH either changed the draft's prize or met it funded (409): never anything else.
    assert.ok(statuses.every((status) => status === 200 || status === 409), statuses.join());
    outcomes[await assertCovered(t, id, payment.id)]++;
  }
  console.log(`${RACES} races: ${outcomes.funded} funded at 1.00, ${outcomes.refunded} refunded against 1,500.00`);
});
