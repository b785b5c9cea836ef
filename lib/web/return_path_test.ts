import assert from "node:assert/strict";
import { safeReturnPath } from "./return_path.ts";

/** Hostile `returnTo` values: each must come back as the fallback. */
const HOSTILE = [
  "/..//x",
  "/../..//evil.example/phish",
  "/./..//x",
  "//x",
  "///x",
  "/\\x",
  "\\\\x",
  "/\t/x",
  "/\n/x",
  "/\r\n/x",
  "%2F%2Fx",
  "/%2F%2Fx",
  "/%2f/x",
  "/%5Cx",
  "/%5cx",
  "/%09/x",
  "/%0A/x",
  "/%E0%A4%A",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,x",
  "https://x",
  "http:/x",
  "http:x",
  "//user@x",
  "//user:pass@x/",
  " /x",
  "x",
  "",
  "/" + "a".repeat(3000),
  undefined,
  null,
  42,
  ["/x"],
];

Deno.test("return path - every hostile value falls back, and the fallback is the caller's", () => {
  for (const value of HOSTILE) {
    assert.equal(safeReturnPath(value), "/", JSON.stringify(value));
    assert.equal(safeReturnPath(value, "/dashboard"), "/dashboard", JSON.stringify(value));
  }
});

Deno.test("return path - same-origin paths come back normalized, and the result is never another host", () => {
  const cases: [string, string][] = [
    ["/competitions/new?tab=1#top", "/competitions/new?tab=1#top"],
    ["/dashboard", "/dashboard"],
    ["/a/../b", "/b"],
    ["/a/./b", "/a/b"],
    ["/..", "/"],
    ["/@x", "/@x"],
    ["/a//b", "/a//b"],
    ["/search?q=a%20b", "/search?q=a%20b"],
  ];
  for (const [value, expected] of cases) assert.equal(safeReturnPath(value), expected, value);
  // Whatever comes back, a browser resolving it against this site stays on this site.
  for (const value of [...HOSTILE, ...cases.map(([value]) => value)]) {
    const result = safeReturnPath(value);
    assert.equal(new URL(result, "https://cartbrawl.example").origin, "https://cartbrawl.example", result);
    assert.ok(result.startsWith("/") && !result.startsWith("//") && !result.includes("\\"), result);
  }
});
