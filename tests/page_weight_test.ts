/**
 * Page weight: the JavaScript each page ships (every `<script src>` and
 * `<link rel="modulepreload">`, gzip-compressed as served) stays under
 * 20 KB, the embeddable board (framed on other sites) under 10 KB, a page
 * without islands ships none, and one with only local times ships a
 * fraction of a live page.
 */
import assert from "node:assert/strict";
import { createTestApp } from "../testing/test_app.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { competitionStartedAnHourAgo, draftCompetition } from "../testing/page_fixtures.ts";
import { pageScripts } from "../testing/page_weight.ts";
import { updateCompetition } from "../lib/competitions/competitions.ts";

/** The budget per page, gzip bytes. */
const BUDGET = 20 * 1024;
/** The budget of the embeddable board, gzip bytes. */
const EMBED_BUDGET = 10 * 1024;

Deno.test("page weight - every page ships under 20 KB of gzipped JavaScript, the embed under 10 KB; pages without islands ship none", async () => {
  await ensureIslandBundles();
  await using t = await createTestApp();
  const { competition } = await competitionStartedAnHourAgo(t, "creator", 3);
  const draft = await draftCompetition(t, "creator");
  const { competition: funded } = await updateCompetition(
    t.kv,
    (await draftCompetition(t, "creator", "Funded Cup")).id,
    t.clock.ms,
    "status",
    (c) => ({ ...c, status: "UPCOMING", fundsTxId: "pay_1" }),
  );
  const pages: [string, string | undefined][] = [
    ["/", undefined],
    ["/signin", undefined],
    [`/competitions/${competition.id}`, undefined],
    // A store owner's page: its own panels and stream come on top of the live board's.
    [`/competitions/${competition.id}`, "owner_0"],
    ["/competitions/new", "creator"],
    [`/competitions/${draft.id}/manage`, "creator"],
    [`/competitions/${funded.id}/manage`, "creator"],
    [`/competitions/${competition.id}/manage`, "creator"],
    ["/dashboard", "creator"],
    ["/dashboard?tab=create", "creator"],
    ["/my-competitions", "owner_0"],
  ];
  const report: string[] = [];
  for (const [path, userId] of pages) {
    const { files, gzip } = await pageScripts(t, path, userId);
    const page = path.startsWith("/competitions/") && userId?.startsWith("owner") ? `${path} (its owner)` : path;
    report.push(`${page.padEnd(48)} ${String(files).padStart(2)} files ${String(gzip).padStart(6)} B gzip`);
    assert.ok(gzip < BUDGET, `${path} ships ${gzip} B of gzipped JavaScript`);
  }
  const embed = await pageScripts(t, `/embed/competitions/${competition.id}`);
  report.push(
    `${"/embed/competitions/:id".padEnd(48)} ${String(embed.files).padStart(2)} files ${
      String(embed.gzip).padStart(6)
    } B gzip`,
  );
  assert.ok(embed.gzip > 0 && embed.gzip < EMBED_BUDGET, `the embed ships ${embed.gzip} B of gzipped JavaScript`);
  console.log(report.join("\n"));
  assert.deepEqual(await pageScripts(t, "/signin"), { files: 0, gzip: 0 });
  // A page whose only island writes dates in the visitor's zone ships far less than a live page.
  const dates = await pageScripts(t, "/dashboard", "creator");
  const live = await pageScripts(t, `/competitions/${competition.id}`);
  assert.ok(dates.gzip < live.gzip / 2, `dashboard ${dates.gzip} B vs live page ${live.gzip} B`);
});
