import assert from "node:assert/strict";
import {
  canTransition,
  type Competition,
  type CompetitionStatus,
  createCompetition,
  dueStep,
  inWindow,
  listCompetitionsByCreator,
  listCompetitionsByStatus,
  STATUSES,
  updateCompetition,
} from "./competitions.ts";
import { cancelCompetition, editCompetition } from "./editing.ts";
import { ConflictError, ForbiddenError, ValidationError } from "../core/errors.ts";

const now = Date.parse("2026-12-01T12:00:00Z");
const rules = { now, minDurationS: 3600 };
const input = {
  title: "Holiday Cup",
  prize: "500.00",
  currency: "USD",
  startDate: "2026-12-02T00:00:00Z",
  endDate: "2026-12-09T00:00:00Z",
};

Deno.test("competitions - every status edge, and only those", () => {
  const allowed = new Set([
    "DRAFT>UPCOMING",
    "DRAFT>CANCELLED",
    "UPCOMING>ACTIVE",
    "UPCOMING>CANCELLED",
    "ACTIVE>SETTLING",
    "ACTIVE>COMPLETED",
    "SETTLING>COMPLETED",
  ]);
  for (const from of STATUSES) {
    for (const to of STATUSES) assert.equal(canTransition(from, to), allowed.has(`${from}>${to}`), `${from}>${to}`);
  }
});

Deno.test("competitions - the due step is a pure function of (competition, now)", () => {
  const start = Date.parse(input.startDate);
  const end = Date.parse(input.endDate);
  const at = (status: CompetitionStatus) => ({ ...input, status } as unknown as Competition);
  assert.equal(dueStep(at("DRAFT"), start - 1), null);
  assert.equal(dueStep(at("DRAFT"), start), "cancel_unfunded");
  assert.equal(dueStep(at("UPCOMING"), start - 1), null);
  assert.equal(dueStep(at("UPCOMING"), start), "start");
  assert.equal(dueStep(at("UPCOMING"), end), "settle");
  assert.equal(dueStep(at("ACTIVE"), end - 1), null);
  assert.equal(dueStep(at("ACTIVE"), end), "settle");
  const settling = { ...at("SETTLING"), settlesAt: new Date(end + 60_000).toISOString() };
  assert.equal(dueStep(settling, end + 59_999), null, "the settlement window is open");
  assert.equal(dueStep(settling, end + 60_000), "settle");
  assert.equal(dueStep(at("COMPLETED"), end + 1), null);
  assert.equal(dueStep(at("CANCELLED"), end + 1), null);
});

Deno.test("competitions - the window is [start, end)", () => {
  const start = Date.parse(input.startDate);
  const end = Date.parse(input.endDate);
  assert.equal(inWindow(input, start - 1), false);
  assert.equal(inWindow(input, start), true);
  assert.equal(inWindow(input, end - 1), true);
  assert.equal(inWindow(input, end), false);
});

Deno.test("competitions - create writes the record and both indexes", async () => {
  using kv = await Deno.openKv(":memory:");
  const competition = await createCompetition(kv, "user_a", input, rules);
  assert.equal(competition.status, "DRAFT");
  assert.equal(competition.prize, 50000);
  assert.deepEqual((await listCompetitionsByStatus(kv, "DRAFT")).map((c) => c.id), [competition.id]);
  assert.deepEqual((await listCompetitionsByCreator(kv, "user_a")).map((c) => c.id), [competition.id]);
  assert.deepEqual(await listCompetitionsByCreator(kv, "user_b"), []);
  await assert.rejects(() => createCompetition(kv, "user_a", { ...input, title: "" }, rules), ValidationError);
});

Deno.test("competitions - a status change moves the status index atomically", async () => {
  using kv = await Deno.openKv(":memory:");
  const { id } = await createCompetition(kv, "user_a", input, rules);
  await updateCompetition(kv, id, now, "status", (c) => ({ ...c, status: "UPCOMING", fundsTxId: "pay_1" }));
  assert.deepEqual(await listCompetitionsByStatus(kv, "DRAFT"), []);
  assert.equal((await listCompetitionsByStatus(kv, "UPCOMING"))[0].fundsTxId, "pay_1");
  await assert.rejects(
    () => updateCompetition(kv, id, now, "status", (c) => ({ ...c, status: "COMPLETED" })),
    ConflictError,
  );
});

Deno.test("competitions - concurrent transitions apply once", async () => {
  using kv = await Deno.openKv(":memory:");
  const { id } = await createCompetition(kv, "user_a", input, rules);
  const results = await Promise.all(
    Array.from(
      { length: 10 },
      () => updateCompetition(kv, id, now, "status", (c) => c.status === "DRAFT" ? { ...c, status: "UPCOMING" } : null),
    ),
  );
  assert.equal(results.filter((r) => r.changed).length, 1);
});

Deno.test("competitions - only the creator edits, and only before the start", async () => {
  using kv = await Deno.openKv(":memory:");
  const { id } = await createCompetition(kv, "user_a", input, rules);
  const edited = await editCompetition(kv, id, "user_a", { title: "Winter Cup", prize: "750" }, rules);
  assert.equal(edited.title, "Winter Cup");
  assert.equal(edited.prize, 75000);
  await assert.rejects(() => editCompetition(kv, id, "user_b", { title: "Mine now" }, rules), ForbiddenError);
  await assert.rejects(() => editCompetition(kv, id, "user_a", { title: "x" }, rules), ValidationError);
  const started = { ...rules, now: Date.parse(input.startDate) };
  await assert.rejects(() => editCompetition(kv, id, "user_a", { title: "Late" }, started), /rules are locked/);
  await updateCompetition(kv, id, now, "status", (c) => ({ ...c, status: "UPCOMING" }));
  // Funded: every rule is locked (409 naming it); the title and description are presentation and stay editable.
  for (
    const field of ["prize", "currency", "prizeSplit", "metric", "growthMinBaseline", "startDate", "endDate", "privacy"]
  ) {
    await assert.rejects(
      () => editCompetition(kv, id, "user_a", { [field]: input[field as keyof typeof input] ?? "x" }, rules),
      (error: ConflictError) =>
        error.status === 409 && error.message.startsWith(`${field} can no longer change. The prize is funded`),
    );
  }
  assert.equal((await editCompetition(kv, id, "user_a", { description: "More" }, rules)).description, "More");
  assert.equal((await editCompetition(kv, id, "user_a", { title: "Spring Cup" }, rules)).title, "Spring Cup");
});

Deno.test("competitions - a draft with a funding checkout keeps its prize, currency and split; the rest stays editable", async () => {
  using kv = await Deno.openKv(":memory:");
  const { id } = await createCompetition(kv, "user_a", input, rules);
  const checkout = { id: "ch_1", url: "https://whop.com/checkout/ch_1", amount: 51419, fee: 1419, createdAt: "x" };
  await updateCompetition(kv, id, now, "status", (c) => ({ ...c, checkout }));
  for (const [field, value] of [["prize", "1500.00"], ["currency", "EUR"], ["prizeSplit", [50, 50]]] as const) {
    await assert.rejects(
      () => editCompetition(kv, id, "user_a", { [field]: value }, rules),
      (error: ConflictError) =>
        error.status === 409 && error.message.startsWith(`${field} can no longer change. A Whop checkout`) &&
        error.message.endsWith("cancel this draft and create a new competition."),
    );
  }
  const edited = await editCompetition(
    kv,
    id,
    "user_a",
    { metric: "orders", privacy: "ranks", title: "Renamed" },
    rules,
  );
  assert.deepEqual([edited.metric, edited.privacy, edited.title, edited.prize], ["orders", "ranks", "Renamed", 50000]);
});

Deno.test("competitions - cancel before the start only, by the creator", async () => {
  using kv = await Deno.openKv(":memory:");
  const { id } = await createCompetition(kv, "user_a", input, rules);
  await assert.rejects(() => cancelCompetition(kv, id, "user_b", now), ForbiddenError);
  await assert.rejects(() => cancelCompetition(kv, id, "user_a", Date.parse(input.startDate)), ConflictError);
  const cancelled = await cancelCompetition(kv, id, "user_a", now);
  assert.equal(cancelled.status, "CANCELLED");
  assert.equal(cancelled.cancelReason, "creator");
  await assert.rejects(() => cancelCompetition(kv, id, "user_a", now), /cancelled; its rules are locked/);
  assert.equal((await listCompetitionsByStatus(kv, "CANCELLED")).length, 1);
});
