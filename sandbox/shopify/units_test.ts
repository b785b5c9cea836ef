import { assertEquals } from "../../testing/assert.ts";
import { formatGraphqlDecimal, formatRestMoney, parseMoney } from "./money.ts";
import { type FragmentDefinitionNode, type OperationDefinitionNode, parse } from "graphql";
import { adminSchema } from "./admin_schema.ts";
import { selectionCost, shopifyValidation } from "./admin_graphql.ts";
import { parseOrderSearch } from "./order_search.ts";
import { restDateTime } from "./time.ts";
import type { SandboxOrder } from "./model.ts";

Deno.test("shopify sandbox - money parses and prints decimal strings exactly per currency", () => {
  assertEquals(parseMoney("0.30", "USD") - parseMoney("0.10", "USD"), 20);
  assertEquals(parseMoney("1234.5", "EUR"), 123450);
  assertEquals(parseMoney("1500", "JPY"), 1500);
  assertEquals(parseMoney("1.234", "KWD"), 1234);
  assertEquals(formatRestMoney(5, "USD"), "0.05");
  assertEquals(formatRestMoney(1500, "JPY"), "1500");
  assertEquals(formatGraphqlDecimal(1250, "USD"), "12.5");
  assertEquals(formatGraphqlDecimal(1000, "USD"), "10.0");
  for (const bad of ["1.005", "abc", "-1", "1e3"]) {
    let threw = false;
    try {
      parseMoney(bad, "USD");
    } catch {
      threw = true;
    }
    assertEquals(threw, true, `${bad} should be refused`);
  }
});

Deno.test("shopify sandbox - validation against Admin 2026-07 carries Shopify's codes; cost prices fragments and variables", async () => {
  const schema = await adminSchema();
  const codes = (query: string) =>
    shopifyValidation(schema, parse(query)).map((error) => [error.extensions?.code, error.message]);
  assertEquals(codes(`{ shop { name owner } }`), [["undefinedField", "Field 'owner' doesn't exist on type 'Shop'"]]);
  assertEquals(codes(`{ orders(first: 1, sortKey: PIZZA) { nodes { id } } }`).map(([code]) => code), [
    "argumentLiteralsIncompatible",
  ]);
  assertEquals(codes(`{ orders(frist: 1) { nodes { id } } }`).map(([code]) => code), ["argumentNotAccepted"]);
  assertEquals(codes(`{ shop }`).map(([code]) => code), ["selectionMismatch"]);
  assertEquals(codes(`query($n: Int) { shop { name } }`).map(([code]) => code), ["variableNotUsed"]);
  const document = parse(`
    query Page($first: Int = 10, $q: String) {
      page: orders(first: $first, query: $q, sortKey: UPDATED_AT) {
        ...Paging
        nodes { ... on Order { id currentTotalPriceSet { shopMoney { amount } } } }
      }
      shop { name }
    }
    fragment Paging on OrderConnection { pageInfo { endCursor } }`);
  assertEquals(shopifyValidation(schema, document), []);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const fragments = { Paging: document.definitions[1] as FragmentDefinitionNode };
  const context = { fragments, variables: { first: 3 } };
  assertEquals(
    selectionCost(operation.selectionSet, context),
    2 + 3 * 3 + 1,
    "connection, 3 × (order, bag, money), shop",
  );
  const data = { page: { nodes: [{ id: "1", currentTotalPriceSet: null }] }, shop: { name: "x" } };
  assertEquals(selectionCost(operation.selectionSet, context, data), 2 + 3 + 1, "one order returned");
});

Deno.test("shopify sandbox - order search handles operators, quotes, dates in the shop zone and unknown fields", () => {
  const order = (createdAt: string, updatedAt = createdAt) =>
    ({ createdAt: Date.parse(createdAt), updatedAt: Date.parse(updatedAt), test: false }) as SandboxOrder;
  const search = parseOrderSearch(
    `created_at:>='2026-01-01T00:00:00-05:00' AND created_at:<"2026-01-02" updated_at:<=2026-01-03T00:00:00Z colour:red`,
    -300,
  );
  assertEquals(search.matches(order("2026-01-01T05:00:00Z")), true);
  assertEquals(search.matches(order("2026-01-01T04:59:59Z")), false);
  assertEquals(search.matches(order("2026-01-02T04:59:59Z")), true);
  assertEquals(search.matches(order("2026-01-02T05:00:00Z")), false, "the date means midnight in the shop's zone");
  assertEquals(search.matches(order("2026-01-01T06:00:00Z", "2026-01-03T00:00:01Z")), false);
  assertEquals(search.warnings, [{ field: "colour", message: "Invalid search field for this query." }]);
});

Deno.test("shopify sandbox - REST timestamps carry the shop's offset", () => {
  const at = Date.parse("2026-01-01T03:04:05.678Z");
  assertEquals(restDateTime(at, -300), "2025-12-31T22:04:05-05:00");
  assertEquals(restDateTime(at, 330), "2026-01-01T08:34:05+05:30");
});
