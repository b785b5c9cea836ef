import assert from "node:assert/strict";
import { createTestApp } from "../testing/test_app.ts";
import { activeCompetition } from "../testing/fixtures.ts";
import { DURING_MS, orderOf, START_MS } from "../testing/live.ts";
import { recordOrder } from "../lib/competitions/revenue.ts";
import { draftCompetition } from "../testing/page_fixtures.ts";
import { ensureIslandBundles } from "../lib/web/island_build.ts";
import { getCompetition } from "../lib/competitions/competitions.ts";
import { shareCardData } from "./share_card.ts";
import { shareCardImage, shareCardSvg } from "../lib/web/share_card.ts";

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** The PNG's IHDR: width, height, bit depth and colour type. */
function header(png: Uint8Array) {
  assert.deepEqual([...png.slice(0, 8)], PNG_SIGNATURE, "a PNG signature");
  const view = new DataView(png.buffer, png.byteOffset);
  assert.equal(new TextDecoder().decode(png.slice(12, 16)), "IHDR");
  return { width: view.getUint32(16), height: view.getUint32(20), depth: png[24], colour: png[25] };
}

/** The PNG's pixel rows, inflated from its IDAT chunks (the filter byte of each row included). */
async function pixels(png: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const view = new DataView(png.buffer, png.byteOffset);
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.slice(at + 4, at + 8));
    if (type === "IDAT") parts.push(png.slice(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const stream = new Blob(parts).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("share card - a 1200×630 PNG of the top three, named in the page's Open Graph and Twitter tags", async () => {
  await ensureIslandBundles();
  await using t = await createTestApp();
  const names = ["Aurora Goods", "Birch & Co", "Cobalt <Shop>", "Dune Supply"];
  const { competition, participants } = await activeCompetition(t.kv, {
    start: START_MS,
    stores: 4,
    nameOf: (i) => names[i],
  });
  for (const [i, cents] of [40_000, 30_000, 20_000, 10_000].entries()) {
    await recordOrder(t.kv, participants[i].id, orderOf(`o${i}`, cents), DURING_MS);
  }
  t.clock.ms = DURING_MS;

  const page = await (await t.request(`/competitions/${competition.id}`)).text();
  const card = `${t.config.appUrl}/competitions/${competition.id}/card.png`;
  assert.ok(page.includes(`<meta property="og:image" content="${card}"/>`), "og:image names the card");
  assert.ok(page.includes(`<meta name="twitter:image" content="${card}"/>`));
  assert.ok(page.includes(`<meta name="twitter:card" content="summary_large_image"/>`));
  assert.ok(page.includes(`<meta property="og:title" content="Holiday Cup"/>`));

  const res = await t.request(`/competitions/${competition.id}/card.png`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "image/png");
  const png = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual(header(png), { width: 1200, height: 630, depth: 8, colour: 6 });
  const rows = await pixels(png);
  assert.equal(rows.length, 630 * (1 + 1200 * 4), "every row decodes");
  assert.ok(new Set(rows).size > 50, "the image is not blank");

  const svg = shareCardSvg(await shareCardData(t.deps, await getCompetition(t.kv, competition.id)));
  for (const name of ["Aurora Goods", "Birch &#38; Co", "Cobalt &#60;Shop&#62;"]) assert.ok(svg.includes(name), name);
  assert.ok(!svg.includes("Dune Supply"), "only the top three");
  assert.ok(svg.includes("$400.00"));

  const renamed = await shareCardImage(svg.replace("Aurora Goods", "Zephyr Works"));
  assert.notDeepEqual(renamed.png, png, "the names are drawn (a font was loaded)");

  const tag = res.headers.get("etag")!;
  const again = await t.request(`/competitions/${competition.id}/card.png`, { headers: { "if-none-match": tag } });
  assert.equal(again.status, 304);
  await recordOrder(t.kv, participants[3].id, orderOf("o9", 90_000), DURING_MS);
  const moved = await t.request(`/competitions/${competition.id}/card.png`, { headers: { "if-none-match": tag } });
  assert.equal(moved.status, 200, "a new leader makes a new card");
  assert.notEqual(moved.headers.get("etag"), tag);
  await moved.body?.cancel();

  const draft = await draftCompetition(t, "creator");
  assert.equal((await t.request(`/competitions/${draft.id}/card.png`, { userId: "creator" })).status, 404);
  assert.doesNotMatch(await (await t.request(`/competitions/${draft.id}`, { userId: "creator" })).text(), /og:image/);
});
