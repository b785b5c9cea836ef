/**
 * Shopify's search syntax for `orders(query:)`, as far as the sandbox needs:
 * `created_at` and `updated_at` with `>`, `>=`, `<`, `<=` (or none) and ISO
 * timestamps or dates, quoted or not; `test` and `financial_status`; terms
 * joined by spaces or `AND`. Unknown fields are ignored with a warning, as
 * Shopify does.
 */
import { financialStatus, type SandboxOrder } from "./model.ts";
import { parseSearchTime } from "./time.ts";

/** A search that could not be understood at all. */
export class OrderSearchError extends Error {}

/** A compiled search: which orders match, and what was ignored. */
export interface OrderSearch {
  matches(order: SandboxOrder): boolean;
  warnings: { field: string; message: string }[];
}

const DAY_MS = 86_400_000;

function splitTerms(query: string): string[] {
  return query.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
}

function unquote(text: string): string {
  return text.replace(/^(["'])(.*)\1$/, "$2");
}

function timeTerm(
  field: "createdAt" | "updatedAt",
  raw: string,
  utcOffsetMinutes: number,
): (order: SandboxOrder) => boolean {
  const match = /^(>=|<=|>|<)?(.*)$/.exec(raw)!;
  const operator = match[1] ?? "";
  const text = unquote(match[2]);
  const at = parseSearchTime(text, utcOffsetMinutes);
  if (at === undefined) {
    throw new OrderSearchError(`Invalid date in search: ${raw}`);
  }
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  switch (operator) {
    case ">":
      return (order) => order[field] > (dateOnly ? at + DAY_MS - 1 : at);
    case ">=":
      return (order) => order[field] >= at;
    case "<":
      return (order) => order[field] < at;
    case "<=":
      return (order) => order[field] <= (dateOnly ? at + DAY_MS - 1 : at);
    default:
      return dateOnly ? (order) => order[field] >= at && order[field] < at + DAY_MS : (order) => order[field] === at;
  }
}

/** Compiles `query` for a shop whose zone is `utcOffsetMinutes` from UTC. */
export function parseOrderSearch(
  query: string,
  utcOffsetMinutes: number,
): OrderSearch {
  const tests: ((order: SandboxOrder) => boolean)[] = [];
  const warnings: OrderSearch["warnings"] = [];
  for (const term of splitTerms(query)) {
    if (term === "AND") continue;
    if (term === "OR" || term === "NOT") {
      throw new OrderSearchError(`The sandbox does not support ${term} in searches`);
    }
    const colon = term.indexOf(":");
    const field = colon < 0 ? "" : term.slice(0, colon);
    const value = term.slice(colon + 1);
    if (field === "created_at") {
      tests.push(timeTerm("createdAt", value, utcOffsetMinutes));
    } else if (field === "updated_at") {
      tests.push(timeTerm("updatedAt", value, utcOffsetMinutes));
    } else if (field === "test") {
      const wanted = unquote(value) === "true";
      tests.push((order) => order.test === wanted);
    } else if (field === "financial_status") {
      const wanted = unquote(value);
      tests.push((order) => financialStatus(order) === wanted);
    } else {
      warnings.push({
        field: field || term,
        message: "Invalid search field for this query.",
      });
    }
  }
  return {
    matches: (order) => tests.every((test) => test(order)),
    warnings,
  };
}
