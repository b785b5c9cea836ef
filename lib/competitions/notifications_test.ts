import assert from "node:assert/strict";
import { appText, listNotifications, markNotificationsRead, type Notification, notify } from "./notifications.ts";

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
