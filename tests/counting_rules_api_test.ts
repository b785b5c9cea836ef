/**
 * The counting rules a creator sets through the API: `countManualOrders` and
 * `customerCap` round-trip on create and edit, a bad value is a 400 naming
 * its field, and both lock once the prize is funded, like the other rules.
 */
import assert from "node:assert/strict";
import { createTestApp } from "../testing/test_app.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";

const HOUR = 3600_000;
const CREATOR = "user_creator";

Deno.test("counting rules api - countManualOrders and customerCap on create and edit; 400 naming the field; locked once funded (409)", async () => {
  await using t = await createTestApp({});
  const start = t.clock.now() + HOUR;
  const base = {
    title: "Fair Cup",
    prize: "500.00",
    currency: "USD",
    startDate: new Date(start).toISOString(),
    endDate: new Date(start + 24 * HOUR).toISOString(),
  };
  const plain = await (await t.request("/api/competitions", { method: "POST", userId: CREATOR, json: base })).json();
  assert.equal(plain.competition.countManualOrders, false, "manual orders are held unless asked");
  assert.equal(plain.competition.customerCap, undefined, "no cap unless asked");

  const res = await t.request("/api/competitions", {
    method: "POST",
    userId: CREATOR,
    json: { ...base, countManualOrders: true, customerCap: "250" },
  });
  assert.equal(res.status, 201);
  const { competition } = await res.json();
  assert.equal(competition.countManualOrders, true);
  assert.equal(competition.customerCap, "250.00");

  for (
    const [patch, field] of [
      [{ countManualOrders: "true" }, "countManualOrders"],
      [{ customerCap: "-1" }, "customerCap"],
      [{ customerCap: "1,000" }, "customerCap"],
      [{ customerCap: 12 }, "customerCap"],
    ] as const
  ) {
    const refused = await t.request("/api/competitions", {
      method: "POST",
      userId: CREATOR,
      json: { ...base, ...patch },
    });
    assert.equal(refused.status, 400, JSON.stringify(patch));
    const body = await refused.json();
    assert.deepEqual(body.issues.map((issue: { path: string }) => issue.path), [field], JSON.stringify(patch));
    const edited = await t.request(`/api/competitions/${competition.id}`, {
      method: "PATCH",
      userId: CREATOR,
      json: patch,
    });
    assert.equal(edited.status, 400, `edit ${JSON.stringify(patch)}`);
  }

  const patched = await t.request(`/api/competitions/${competition.id}`, {
    method: "PATCH",
    userId: CREATOR,
    json: { customerCap: "99.99", countManualOrders: false },
  });
  assert.equal(patched.status, 200);
  const after = (await patched.json()).competition;
  assert.equal(after.customerCap, "99.99");
  assert.equal(after.countManualOrders, false);
  const uncapped = await t.request(`/api/competitions/${competition.id}`, {
    method: "PATCH",
    userId: CREATOR,
    json: { customerCap: null, title: "Fair Cup, no cap" },
  });
  assert.equal((await uncapped.json()).competition.customerCap, undefined, "null removes the cap");

  await updateCompetition(t.kv, competition.id, t.clock.now(), "status", (c) => ({ ...c, status: "UPCOMING" }));
  for (const patch of [{ customerCap: "10.00" }, { countManualOrders: true }]) {
    const locked = await t.request(`/api/competitions/${competition.id}`, {
      method: "PATCH",
      userId: CREATOR,
      json: patch,
    });
    assert.equal(locked.status, 409, `funded: ${JSON.stringify(patch)} is locked`);
    // Every rule is locked once funded, what counts included: the 409 names the field.
    assert.match(
      (await locked.json()).error,
      new RegExp(`^${Object.keys(patch)[0]} can no longer change\\. The prize is funded`),
    );
  }
  const title = await t.request(`/api/competitions/${competition.id}`, {
    method: "PATCH",
    userId: CREATOR,
    json: { title: "Fair Cup, funded" },
  });
  assert.equal(title.status, 200, "the title can still change");
});
