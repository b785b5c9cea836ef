import assert from "node:assert/strict";
import { createTestApp } from "../../../testing/test_app.ts";

Deno.test("competition id - an id that cannot exist is a 404, never a failed KV read", async () => {
  await using t = await createTestApp();
  const long = "a".repeat(3000);
  for (
    const [method, path] of [
      ["GET", `/api/competitions/${long}`],
      ["PATCH", `/api/competitions/${long}`],
      ["POST", `/api/competitions/${long}/cancel`],
      ["GET", `/api/competitions/${long}/leaderboard`],
      ["GET", `/api/competitions/BAD%20ID/events`],
      ["GET", `/competitions/${long}`],
    ]
  ) {
    const res = await t.request(path, { method, userId: "user_a", json: method === "GET" ? undefined : {} });
    assert.equal(res.status, 404, `${method} ${path.slice(0, 40)}`);
    await res.body?.cancel();
  }
  const creator = await t.request(`/api/competitions?creator=${long}`, { userId: "user_a" });
  assert.equal(creator.status, 400);
});
