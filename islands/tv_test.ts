import assert from "node:assert/strict";
import { cheerFor } from "./tv.tsx";
import type { LeaderboardJson } from "./live_stream.ts";

/** A board of `names` in rank order, in `status`. */
function board(names: string[], status: "ACTIVE" | "SETTLING" | "COMPLETED" = "ACTIVE", winner?: string) {
  return {
    competition: {
      id: "c1",
      title: "Cup",
      status,
      currency: "USD",
      prize: "100.00",
      startDate: "2026-12-01T00:00:00Z",
      endDate: "2026-12-08T00:00:00Z",
      participantCount: names.length,
      winner: winner ? { participantId: winner, displayName: winner } : null,
    },
    entries: names.map((name, i) => ({ rank: i + 1, participantId: name, displayName: name, currency: "USD" })),
    updatedAt: "2026-12-02T00:00:00Z",
  } as unknown as LeaderboardJson;
}

Deno.test("cheerFor - a new leader, an overtake lower down, time up, the winner; nothing when no one rose", () => {
  assert.equal(cheerFor(board(["A", "B", "C"]), board(["B", "A", "C"]))?.text, "B takes the lead!");
  assert.equal(cheerFor(board(["A", "B", "C"]), board(["A", "C", "B"]))?.text, "C overtakes into 2nd!");
  assert.equal(cheerFor(board(["A", "B"]), board(["A", "B"])), undefined);
  assert.deepEqual(cheerFor(board(["A", "B"]), board(["A", "B"], "SETTLING")), {
    kind: "end",
    text: "Time! A finishes first.",
    participantId: "A",
  });
  assert.equal(cheerFor(board(["A", "B"], "SETTLING"), board(["A", "B"], "COMPLETED", "A"))?.text, "A wins!");
  // A store that joins after the first frame has no earlier rank: it has not overtaken anyone.
  assert.equal(cheerFor(board(["A"]), board(["A", "B"])), undefined);
});
