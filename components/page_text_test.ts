import assert from "node:assert/strict";
import { endSentence } from "./page_text.ts";

Deno.test("page text - a list of names ends with one full stop, even after a name ending in one", () => {
  assert.equal(endSentence("Cara Goods, Eli Supply"), "Cara Goods, Eli Supply.");
  assert.equal(endSentence("Nora Knits, Tidewater Surf Co."), "Nora Knits, Tidewater Surf Co.");
  assert.equal(endSentence("Ready!"), "Ready!");
});
