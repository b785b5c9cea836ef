/**
 * Runs a parsed operation against plain objects: each object names its
 * `__typename` and holds, per field, a value or a resolver taking the field's
 * arguments. Also prices a selection the way Shopify's cost calculator does.
 */
import {
  type DocumentNode,
  type FieldNode,
  type GraphqlValue,
  resolveValue,
  type SelectionNode,
} from "./graphql_parser.ts";

/** A GraphQL object: `__typename` and its fields, each a value or a resolver of arguments. */
export interface GraphqlObject {
  __typename: string;
  [field: string]: unknown;
}

/** A resolver: receives the field's arguments, variables substituted. */
export type FieldResolver = (args: Record<string, GraphqlValue>) => unknown;

/** One entry of a GraphQL `errors` array. */
export interface GraphqlError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

/** Thrown by a resolver: the field becomes null and the error is reported with its path. */
export class GraphqlFieldError extends Error {
  constructor(message: string, readonly extensions?: Record<string, unknown>) {
    super(message);
  }
}

/** A static mistake in the query (unknown field, missing selection): no data is returned. */
export class GraphqlValidationError extends Error {
  constructor(readonly error: GraphqlError) {
    super(error.message);
  }
}

/** Everything a run needs besides the root object. */
export interface ExecutionContext {
  variables: Record<string, GraphqlValue>;
  fragments: DocumentNode["fragments"];
}

/** The fields selected on an object of type `typename`, fragments expanded. */
export function collectFields(
  selections: SelectionNode[],
  context: ExecutionContext,
  typename?: string,
): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selections) {
    if (selection.kind === "field") {
      fields.push(selection);
      continue;
    }
    const fragment = selection.kind === "spread" ? context.fragments.get(selection.name) : selection;
    if (!fragment) {
      throw new GraphqlValidationError({
        message: `Fragment ${(selection as { name: string }).name} was used, but not defined`,
      });
    }
    const condition = fragment.typeCondition;
    if (typename === undefined || !condition || condition === typename) {
      fields.push(...collectFields(fragment.selections, context, typename));
    }
  }
  return fields;
}

/**
 * Resolves `selections` on `root`. Field errors null their field and are
 * listed; a validation error is thrown as {@link GraphqlValidationError}.
 */
export function execute(
  selections: SelectionNode[],
  root: GraphqlObject,
  context: ExecutionContext,
): { data: Record<string, unknown>; errors: GraphqlError[] } {
  const errors: GraphqlError[] = [];
  const data = projectObject(selections, root, context, [], errors);
  return { data, errors };
}

function projectObject(
  selections: SelectionNode[],
  object: GraphqlObject,
  context: ExecutionContext,
  path: (string | number)[],
  errors: GraphqlError[],
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const field of collectFields(selections, context, object.__typename)) {
    const key = field.alias ?? field.name;
    if (field.name === "__typename") {
      result[key] = object.__typename;
      continue;
    }
    if (!(field.name in object)) {
      throw new GraphqlValidationError({
        message: `Field '${field.name}' doesn't exist on type '${object.__typename}'`,
        locations: [{ line: field.line, column: field.column }],
        path: [...path, key],
        extensions: {
          code: "undefinedField",
          typeName: object.__typename,
          fieldName: field.name,
        },
      });
    }
    const fieldPath = [...path, key];
    try {
      const raw = object[field.name];
      const value = typeof raw === "function" ? (raw as FieldResolver)(fieldArguments(field, context)) : raw;
      result[key] = projectValue(field, value, context, fieldPath, errors);
    } catch (error) {
      if (!(error instanceof GraphqlFieldError)) throw error;
      result[key] = null;
      errors.push({
        message: error.message,
        locations: [{ line: field.line, column: field.column }],
        path: fieldPath,
        ...(error.extensions ? { extensions: error.extensions } : {}),
      });
    }
  }
  return result;
}

function projectValue(
  field: FieldNode,
  value: unknown,
  context: ExecutionContext,
  path: (string | number)[],
  errors: GraphqlError[],
): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    return value.map((item, index) => projectValue(field, item, context, [...path, index], errors));
  }
  const isObject = typeof value === "object" && "__typename" in value;
  if (isObject && !field.selections) {
    throw new GraphqlValidationError({
      message: `Field must have selections (field '${field.name}' returns ${
        (value as GraphqlObject).__typename
      } but has no selections. Did you mean '${field.name} { ... }'?)`,
      locations: [{ line: field.line, column: field.column }],
      extensions: { code: "selectionMismatch" },
    });
  }
  if (!isObject && field.selections) {
    throw new GraphqlValidationError({
      message: `Selections can't be made on scalars (field '${field.name}')`,
      locations: [{ line: field.line, column: field.column }],
      extensions: { code: "selectionMismatch" },
    });
  }
  return isObject
    ? projectObject(
      field.selections!,
      value as GraphqlObject,
      context,
      path,
      errors,
    )
    : value;
}

/** The field's arguments with variables substituted. */
export function fieldArguments(
  field: FieldNode,
  context: ExecutionContext,
): Record<string, GraphqlValue> {
  return Object.fromEntries(
    Object.entries(field.args).map((
      [name, node],
    ) => [name, resolveValue(node, context.variables)]),
  );
}

/**
 * Shopify's query cost: an object costs 1, a scalar 0, a connection
 * 2 + (items × cost of one item), where items is `first`/`last` before the
 * run or the items returned when `data` is given.
 */
export function selectionCost(
  selections: SelectionNode[],
  context: ExecutionContext,
  data?: unknown,
): number {
  let total = 0;
  for (const field of collectFields(selections, context)) {
    if (!field.selections) continue;
    const value = data === undefined
      ? undefined
      : (data as Record<string, unknown> | null)?.[field.alias ?? field.name];
    const args = fieldArguments(field, context);
    const size = args.first ?? args.last;
    if (typeof size === "number") {
      total += 2 + connectionItemsCost(field, context, size, value);
    } else if (Array.isArray(value)) {
      total += value.reduce(
        (sum: number, item) => sum + 1 + selectionCost(field.selections!, context, item),
        0,
      );
    } else {
      total += 1 + selectionCost(field.selections, context, value ?? undefined);
    }
  }
  return total;
}

function connectionItemsCost(
  field: FieldNode,
  context: ExecutionContext,
  size: number,
  value: unknown,
): number {
  const parts = collectFields(field.selections!, context);
  const nodes = parts.find((part) => part.name === "nodes");
  const node = parts.filter((part) => part.name === "edges")
    .flatMap((edges) => collectFields(edges.selections ?? [], context))
    .find((part) => part.name === "node");
  const itemSelections = [
    ...(nodes?.selections ?? []),
    ...(node?.selections ?? []),
  ];
  if (value === undefined) {
    return size * (1 + selectionCost(itemSelections, context));
  }
  const connection = value as {
    nodes?: unknown[];
    edges?: { node?: unknown }[];
  } | null;
  const items = connection?.nodes ??
    connection?.edges?.map((edge) => edge.node) ?? [];
  return items.reduce(
    (sum: number, item) => sum + 1 + selectionCost(itemSelections, context, item),
    0,
  );
}
