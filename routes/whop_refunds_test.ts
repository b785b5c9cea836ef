/**
 * Refunds are done only when Whop says they succeeded: a failed or canceled
 * attempt is retried and the manage page shows it as not done; a pending one
 * is waited for, never duplicated.
 */
import assert from "node:assert/strict";
import { createTestApp, type TestApp } from "../testing/test_app.ts";
import { getRefund, processRefund } from "../lib/whop/refunds.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";

await ensureIslandBundles();

const CREATOR = "user_CreatorAvaQ7m2x";

/** A funded competition, then cancelled by its creator: its prize refund is recorded. */
async function cancelledFunded(t: TestApp): Promise<string> {
  const created = await t.request("/api/competitions", {
    method: "POST",
    userId: CREATOR,
    json: {
      title: "Holiday Cup",
      prize: "500.00",
      currency: "USD",
      startDate: "2026-12-02T00:00:00Z",
      endDate: "2026-12-09T00:00:00Z",
    },
  });
  const id = (await created.json()).competition.id;
  const fund = await t.request(`/api/competitions/${id}/fund`, { method: "POST", userId: CREATOR });
  const checkoutId = new URL((await fund.json()).checkoutUrl).pathname.split("/").pop()!;
  await t.whop!.pay(checkoutId, { userId: CREATOR });
  const cancel = await t.request(`/api/competitions/${id}/cancel`, { method: "POST", userId: CREATOR });
  assert.equal(cancel.status, 200);
  return id;
}

async function refundsSection(t: TestApp, id: string): Promise<string> {
  const html = await (await t.request(`/competitions/${id}/manage`, { userId: CREATOR })).text();
  const start = html.indexOf('id="refunds-heading"');
  assert.ok(start > 0, "the manage page lists the refunds");
  return html.slice(start, html.indexOf("</section>", start));
}

for (const outcome of ["failed", "canceled"] as const) {
  Deno.test(`whop refunds - a ${outcome} refund is shown as not done and retried until one succeeds`, async () => {
    await using t = await createTestApp({}, { whop: true });
    const whop = t.whop!;
    const id = await cancelledFunded(t);
    const paidBalance = whop.balance(CREATOR, "usd");
    const target = { kind: "prize", competitionId: id } as const;

    whop.faults.refundOutcome(outcome);
    assert.equal(await processRefund(t.deps, target), "retry_scheduled");
    const failed = await getRefund(t.kv, target);
    assert.equal(failed?.state, "failed");
    assert.match(failed?.lastError ?? "", outcome === "failed" ? /refund failed/ : /refund was canceled/);
    assert.equal(whop.balance(CREATOR, "usd"), paidBalance, "no money came back");
    const notDone = await refundsSection(t, id);
    assert.match(notDone, /Refund not done/);
    assert.match(notDone, /next try/);
    assert.doesNotMatch(notDone, />Refunded</);

    t.clock.advance(2 * 60_000);
    assert.equal(await processRefund(t.deps, target), "sent");
    assert.deepEqual(whop.refunds.map((r) => r.status), [outcome, "succeeded"]);
    const done = await getRefund(t.kv, target);
    assert.equal(done?.refundId, whop.refunds[1].id);
    assert.equal(done?.amount, 51419, "the whole payment, Whop's fee included");
    assert.equal(whop.balance(CREATOR, "usd"), 10_000, "the whole payment came back once");
    assert.equal(await processRefund(t.deps, target), "already_sent");
    assert.equal(whop.refunds.length, 2);
    assert.match(await refundsSection(t, id), />Refunded</);
  });
}

Deno.test("whop refunds - a refund pending at Whop is waited for, never asked for twice", async () => {
  await using t = await createTestApp({}, { whop: true });
  const whop = t.whop!;
  const id = await cancelledFunded(t);
  const target = { kind: "prize", competitionId: id } as const;

  whop.faults.refundOutcome("pending");
  assert.equal(await processRefund(t.deps, target), "waiting");
  assert.match(await refundsSection(t, id), /Refund pending at Whop/);
  t.clock.advance(2 * 60_000);
  assert.equal(await processRefund(t.deps, target), "waiting", "still pending: checked, not repeated");
  assert.equal(whop.refunds.length, 1);

  whop.setRefundStatus(whop.refunds[0].id, "succeeded");
  t.clock.advance(10 * 60_000);
  assert.equal(await processRefund(t.deps, target), "sent");
  assert.equal((await getRefund(t.kv, target))?.refundId, whop.refunds[0].id);
  assert.equal(whop.refunds.length, 1);
  assert.match(await refundsSection(t, id), />Refunded</);
});

Deno.test("whop notifications - the manage page says notifications stay in the app outside a Whop community", async () => {
  await using t = await createTestApp({}, { whop: true });
  const id = await cancelledFunded(t);
  const html = await (await t.request(`/competitions/${id}/manage`, { userId: CREATOR })).text();
  assert.match(html, /Notifications stay in the app: this competition is not part of a Whop community/);
});
