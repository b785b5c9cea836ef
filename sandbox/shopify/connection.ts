/**
 * Relay connections the way Shopify pages them: items sorted by a key then
 * by id, opaque cursors holding the last key and id, so a page boundary
 * stays put while items change (a changed item moves, nothing is skipped).
 */
import { type FieldArguments, GraphqlFieldError, type GraphqlObject } from "./graphql_values.ts";

/** Shopify's largest page. */
export const MAX_PAGE_SIZE = 250;

/** How to sort and show the items of one connection. */
export interface ConnectionSpec<T> {
  /** Type name of the nodes, e.g. `Order` (edges become `OrderEdge`). */
  typename: string;
  /** Name of the sort key, recorded in cursors. */
  sortKey: string;
  sortValue(item: T): number | string;
  id(item: T): number;
  toNode(item: T): GraphqlObject;
}

interface CursorPosition {
  last_id: number;
  last_value: number | string;
  sort_key: string;
}

function encodeCursor(position: CursorPosition): string {
  return btoa(JSON.stringify(position));
}

function decodeCursor(cursor: string, sortKey: string): CursorPosition {
  try {
    const position = JSON.parse(atob(cursor)) as CursorPosition;
    if (position.sort_key === sortKey && typeof position.last_id === "number") {
      return position;
    }
  } catch {
    // reported below
  }
  throw new GraphqlFieldError(`Invalid cursor for current pagination sort.`, {
    code: "BAD_REQUEST",
  });
}

/**
 * A connection object (`nodes`, `edges`, `pageInfo`) for `items` given the
 * field's `first`/`after`/`last`/`before`/`reverse` arguments.
 */
export function paginate<T>(
  items: T[],
  spec: ConnectionSpec<T>,
  args: FieldArguments,
): GraphqlObject {
  const first = args.first as number | null | undefined;
  const last = args.last as number | null | undefined;
  if ((first ?? last) == null) {
    throw new GraphqlFieldError("you must provide one of first or last", {
      code: "BAD_REQUEST",
    });
  }
  for (const [name, size] of [["first", first], ["last", last]] as const) {
    if (size != null && (size < 0 || size > MAX_PAGE_SIZE)) {
      throw new GraphqlFieldError(
        `The ${name} argument must be between 0 and ${MAX_PAGE_SIZE}.`,
        { code: "BAD_REQUEST" },
      );
    }
  }
  const direction = args.reverse === true ? -1 : 1;
  const compareKeys = (
    a: { value: number | string; id: number },
    b: { value: number | string; id: number },
  ) =>
    direction *
    (a.value < b.value ? -1 : a.value > b.value ? 1 : a.id - b.id);
  const keyOf = (item: T) => ({ value: spec.sortValue(item), id: spec.id(item) });
  const sorted = [...items].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  const bound = (cursor: unknown) => {
    if (typeof cursor !== "string") return undefined;
    const position = decodeCursor(cursor, spec.sortKey);
    return { value: position.last_value, id: position.last_id };
  };
  const after = bound(args.after);
  const before = bound(args.before);
  let window = sorted.filter((item) =>
    (!after || compareKeys(keyOf(item), after) > 0) &&
    (!before || compareKeys(keyOf(item), before) < 0)
  );
  if (first != null) window = window.slice(0, first);
  if (last != null) window = window.slice(Math.max(0, window.length - last));
  const cursorOf = (item: T) =>
    encodeCursor({
      last_id: spec.id(item),
      last_value: spec.sortValue(item),
      sort_key: spec.sortKey,
    });
  const start = window.length ? sorted.indexOf(window[0]) : -1;
  const end = window.length ? sorted.indexOf(window[window.length - 1]) : -1;
  const nodes = window.map((item) => spec.toNode(item));
  return {
    __typename: `${spec.typename}Connection`,
    nodes,
    edges: window.map((item, index) => ({
      __typename: `${spec.typename}Edge`,
      cursor: cursorOf(item),
      node: nodes[index],
    })),
    pageInfo: {
      __typename: "PageInfo",
      hasNextPage: end >= 0 && end < sorted.length - 1,
      hasPreviousPage: start > 0,
      startCursor: window.length ? cursorOf(window[0]) : null,
      endCursor: window.length ? cursorOf(window[window.length - 1]) : null,
    },
  };
}
