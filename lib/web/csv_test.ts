import assert from "node:assert/strict";
import { csvCell, csvDocument } from "./csv.ts";

Deno.test("csv - cells are quoted where RFC 4180 needs it, quotes doubled", () => {
  assert.equal(csvCell("Cara Goods"), "Cara Goods");
  assert.equal(csvCell('Cara, "Goods"'), '"Cara, ""Goods"""');
  assert.equal(csvCell("two\nlines"), '"two\nlines"');
  assert.equal(csvCell(" padded"), '" padded"');
  assert.equal(csvCell(12), "12");
  assert.equal(csvCell("120.00"), "120.00");
  assert.equal(csvCell(null), "");
  assert.equal(csvCell(undefined), "");
  assert.equal(csvCell("Bücher & Café ✓"), "Bücher & Café ✓", "UTF-8 text as it is");
});

Deno.test("csv - a cell a spreadsheet would run as a formula is prefixed with an apostrophe", () => {
  for (const hostile of ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]) {
    const cell = csvCell(hostile);
    const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell;
    assert.equal(unquoted, `'${hostile}`, JSON.stringify(hostile));
  }
  assert.equal(csvCell('=A1,"x"'), `"'=A1,""x"""`, "defused, then quoted");
  assert.equal(csvCell("a=b"), "a=b", "only a leading character is a formula");
});

Deno.test("csv - a document is a header row and one CRLF-ended line per row", () => {
  assert.equal(
    csvDocument(["Store", "Revenue"], [["Cara Goods", "120.00"], ["=evil", null]]),
    "Store,Revenue\r\nCara Goods,120.00\r\n'=evil,\r\n",
  );
});
