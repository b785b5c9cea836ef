import assert from "node:assert/strict";
import {
  appText,
  fact,
  listNotifications,
  markNotificationsRead,
  type Notification,
  notificationsView,
  notificationText,
  notify,
  quoted,
  TIME_MARK,
} from "./notifications.ts";
import { getUser, rememberTimeZone, saveUser } from "../core/users.ts";

const request = {
  dedupeKey: "won:c1:u1",
  userId: "u1",
  kind: "won" as const,
  title: appText`You won`,
  body: appText`Your store took first place.`,
  competitionId: "c1",
};

Deno.test("notifications - concurrent sends of one notification deliver it once", async () => {
  using kv = await Deno.openKv(":memory:");
  const delivered: Notification[] = [];
  const results = await Promise.all(
    Array.from({ length: 20 }, () => notify(kv, request, 1000, (n) => Promise.resolve(void delivered.push(n)))),
  );
  assert.equal(results.filter(Boolean).length, 1);
  assert.equal(delivered.length, 1);
  const { notifications, unread } = await listNotifications(kv, "u1");
  assert.equal(notifications.length, 1);
  assert.equal(unread, 1);
});

Deno.test("notifications - the list is newest first with an unread count", async () => {
  using kv = await Deno.openKv(":memory:");
  await notify(kv, { ...request, dedupeKey: "a", title: appText`first` }, 1000);
  await notify(kv, { ...request, dedupeKey: "b", title: appText`second` }, 2000);
  await notify(kv, { ...request, dedupeKey: "c", userId: "u2" }, 3000);
  const list = await listNotifications(kv, "u1");
  assert.deepEqual(list.notifications.map((n) => n.title), ["second", "first"]);
  assert.equal(list.unread, 2);
  await markNotificationsRead(kv, "u1", 4000);
  assert.equal((await listNotifications(kv, "u1")).unread, 0);
  assert.equal((await listNotifications(kv, "u2")).unread, 1);
});

Deno.test("notifications - a time in the text is written for each reader: in their zone, named; UTC, named, when unknown", async () => {
  using kv = await Deno.openKv(":memory:");
  const now = Date.parse("2026-12-09T00:00:00Z");
  await saveUser(kv, { id: "u_tokyo", name: "Tomo" }, now);
  await rememberTimeZone(kv, await getUser(kv, "u_tokyo"), "Asia/Tokyo", now);
  for (const userId of ["u_tokyo", "u_unknown"]) {
    await notify(kv, {
      dedupeKey: `settling:${userId}`,
      userId,
      kind: "settling",
      title: appText`${quoted("Holiday Cup")} has ended`,
      body: appText`Refunds still count until the results are final (${fact(TIME_MARK)}).`,
      at: "2026-12-12T00:00:00.000Z",
    }, now);
  }
  const body = async (userId: string) => (await notificationsView(kv, userId)).notifications[0].body;
  assert.equal(await body("u_tokyo"), "Refunds still count until the results are final (Dec 12, 2026, 09:00 GMT+9).");
  assert.equal(await body("u_unknown"), "Refunds still count until the results are final (Dec 12, 2026, 00:00 UTC).");
  const stored = (await listNotifications(kv, "u_tokyo")).notifications[0];
  assert.equal(stored.at, "2026-12-12T00:00:00.000Z", "kept for each reader (and program) to write");
  assert.equal(
    notificationText(stored, "body", () => "in 3 days"),
    "Refunds still count until the results are final (in 3 days).",
  );
});
