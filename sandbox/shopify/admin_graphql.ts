/**
 * The simulated Admin API's GraphQL engine: graphql-js on Shopify's schema
 * (`admin_schema.ts`) with what Shopify adds to plain GraphQL: errors
 * worded and coded the way the Admin API reports them, and the query cost
 * Shopify's calculator charges. `admin_routes.ts` loads this module on the
 * first request, so starting the sandbox loads neither graphql-js nor the
 * schema.
 */
import {
  type DocumentNode,
  execute,
  type FieldNode,
  type FragmentDefinitionNode,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  specifiedRules,
  validate,
  type ValidationRule,
  valueFromASTUntyped,
} from "graphql";
import { type AdminRequestContext, mutationRoot, queryRoot } from "./admin_resolvers.ts";
import { adminSchema } from "./admin_schema.ts";
import { type GraphqlError, GraphqlFieldError } from "./graphql_values.ts";

/** graphql-ruby's error codes (what Shopify reports) for graphql-js's validation rules. */
const SHOPIFY_CODES: Record<string, string> = {
  FieldsOnCorrectTypeRule: "undefinedField",
  KnownArgumentNamesRule: "argumentNotAccepted",
  ValuesOfCorrectTypeRule: "argumentLiteralsIncompatible",
  ProvidedRequiredArgumentsRule: "missingRequiredArguments",
  ScalarLeafsRule: "selectionMismatch",
  KnownTypeNamesRule: "undefinedType",
  NoUndefinedVariablesRule: "variableNotDefined",
  NoUnusedVariablesRule: "variableNotUsed",
  VariablesInAllowedPositionRule: "variableMismatch",
  KnownFragmentNamesRule: "undefinedFragment",
  NoUnusedFragmentsRule: "useAndDefineFragment",
  KnownDirectivesRule: "undefinedDirective",
};

function shopifyValidationError(rule: ValidationRule, error: GraphQLError): GraphqlError {
  const code = SHOPIFY_CODES[rule.name] ?? rule.name.replace(/Rule$/, "");
  const located = error.locations ? { locations: error.locations } : {};
  const unknownField = rule.name === "FieldsOnCorrectTypeRule" &&
    /^Cannot query field "(\w+)" on type "(\w+)"/.exec(error.message);
  if (unknownField) {
    const [, fieldName, typeName] = unknownField;
    return {
      message: `Field '${fieldName}' doesn't exist on type '${typeName}'`,
      ...located,
      extensions: { code, typeName, fieldName },
    };
  }
  return { message: error.message, ...located, extensions: { code } };
}

/**
 * Validates `document` against `schema` with graphql-js's rules; each error
 * carries the code graphql-ruby (Shopify) gives it, and an unknown field is
 * worded as Shopify words it. Empty when the document is valid.
 */
export function shopifyValidation(schema: GraphQLSchema, document: DocumentNode): GraphqlError[] {
  if (validate(schema, document).length === 0) return [];
  return specifiedRules.flatMap((rule) =>
    validate(schema, document, [rule]).map((error) => shopifyValidationError(rule, error))
  );
}

/** What pricing a selection needs besides the selection. */
export interface CostContext {
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function collectFields(selectionSet: SelectionSetNode, context: CostContext): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === "Field") return [selection];
    const fragment = selection.kind === "FragmentSpread" ? context.fragments[selection.name.value] : selection;
    return fragment ? collectFields(fragment.selectionSet, context) : [];
  });
}

function sizeArgument(field: FieldNode, context: CostContext): number | undefined {
  const size = field.arguments?.find((argument) => ["first", "last"].includes(argument.name.value));
  const value = size && valueFromASTUntyped(size.value, context.variables);
  return typeof value === "number" ? value : undefined;
}

/**
 * Shopify's query cost: an object costs 1, a scalar 0, a connection
 * 2 + (items × cost of one item), where items is `first`/`last` before the
 * run or the items returned when `data` is given.
 */
export function selectionCost(selectionSet: SelectionSetNode, context: CostContext, data?: unknown): number {
  let total = 0;
  for (const field of collectFields(selectionSet, context)) {
    if (!field.selectionSet) continue;
    const value = data === undefined
      ? undefined
      : (data as Record<string, unknown> | null)?.[field.alias?.value ?? field.name.value];
    const size = sizeArgument(field, context);
    if (size !== undefined) {
      total += 2 + connectionItemsCost(field.selectionSet, context, size, value);
    } else if (Array.isArray(value)) {
      total += value.reduce((sum: number, item) => sum + 1 + selectionCost(field.selectionSet!, context, item), 0);
    } else {
      total += 1 + selectionCost(field.selectionSet, context, value ?? undefined);
    }
  }
  return total;
}

function connectionItemsCost(
  selectionSet: SelectionSetNode,
  context: CostContext,
  size: number,
  value: unknown,
): number {
  const parts = collectFields(selectionSet, context);
  const nodes = parts.find((part) => part.name.value === "nodes");
  const node = parts.filter((part) => part.name.value === "edges" && part.selectionSet)
    .flatMap((edges) => collectFields(edges.selectionSet!, context))
    .find((part) => part.name.value === "node");
  const item: SelectionSetNode = {
    kind: Kind.SELECTION_SET,
    selections: [...(nodes?.selectionSet?.selections ?? []), ...(node?.selectionSet?.selections ?? [])],
  };
  if (value === undefined) return size * (1 + selectionCost(item, context));
  const connection = value as { nodes?: unknown[]; edges?: { node?: unknown }[] } | null;
  const items = connection?.nodes ?? connection?.edges?.map((edge) => edge.node) ?? [];
  return items.reduce((sum: number, one) => sum + 1 + selectionCost(item, context, one), 0);
}

const MUTATION_COST = 10;

/** A GraphQL request as posted: `query`, `variables`, `operationName`. */
export interface GraphqlRequest {
  query: string;
  variables?: unknown;
  operationName?: unknown;
}

/** What one run answered: `data`, field errors, and the cost actually used. */
export type OperationResult =
  | { kind: "answered"; data: Record<string, unknown> | null; errors: GraphqlError[]; actualCost: number }
  | { kind: "unanswerable"; error: GraphqlError };

/** A request that parsed and validated: its requested cost, and how to run it. */
export interface PreparedOperation {
  kind: "prepared";
  requestedCost: number;
  /** Runs the operation for one shop and token. */
  run(context: AdminRequestContext): Promise<OperationResult>;
}

/** A request refused before it runs (syntax, validation, operation choice, variables): Shopify answers 200 with these. */
export interface RefusedOperation {
  kind: "refused";
  errors: GraphqlError[];
}

function pickOperation(document: DocumentNode, name: unknown): OperationDefinitionNode | string {
  const named = typeof name === "string" && name ? name : undefined;
  const operation = getOperationAST(document, named);
  if (operation) return operation;
  if (named) return `Unknown operation named "${named}".`;
  return document.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION)
    ? "An operation name is required when the document has several operations."
    : "No operations in query document.";
}

/** graphql-js's syntax error worded as Shopify's parser words it: `Parse error on "}" at [1, 16]`. */
function parseError(error: GraphQLError): GraphqlError {
  const token = /(?:found|Unexpected) (.+)\.$/.exec(error.message)?.[1].replace(/^"(.*)"$/, "$1") ?? "";
  const { line, column } = error.locations?.[0] ?? { line: 1, column: 1 };
  return {
    message: `Parse error on "${token === "<EOF>" ? "end of file" : token}" at [${line}, ${column}]`,
    locations: [{ line, column }],
  };
}

/**
 * Parses, validates against Shopify's schema, picks the operation, coerces
 * the variables and prices the request, as the Admin API does before it
 * charges the bucket.
 */
export async function prepareAdminOperation(request: GraphqlRequest): Promise<PreparedOperation | RefusedOperation> {
  const schema = await adminSchema();
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return { kind: "refused", errors: [parseError(error)] };
  }
  const invalid = shopifyValidation(schema, document);
  if (invalid.length) return { kind: "refused", errors: invalid };
  const operation = pickOperation(document, request.operationName);
  if (typeof operation === "string") return { kind: "refused", errors: [{ message: operation }] };
  if (operation.operation === "subscription") {
    return { kind: "refused", errors: [{ message: "Subscriptions are not supported" }] };
  }
  const given = (request.variables ?? {}) as Record<string, unknown>;
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], given);
  if (variables.errors) {
    return {
      kind: "refused",
      errors: variables.errors.map((error) => ({
        message: error.message,
        ...(error.locations ? { locations: error.locations } : {}),
        extensions: { code: "INVALID_VARIABLE" },
      })),
    };
  }
  const fragments: Record<string, FragmentDefinitionNode> = Object.fromEntries(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition]] : []
    ),
  );
  const costContext = { fragments, variables: variables.coerced };
  const isMutation = operation.operation === "mutation";
  const requestedCost = isMutation
    ? MUTATION_COST * operation.selectionSet.selections.length
    : selectionCost(operation.selectionSet, costContext);
  return {
    kind: "prepared",
    requestedCost,
    run: async (context) => {
      const rootValue = isMutation ? mutationRoot(context) : queryRoot(context);
      const operationName = operation.name?.value;
      const result = await execute({ schema, document, operationName, rootValue, variableValues: given });
      const unanswerable = result.errors?.find((error) => !(error.originalError instanceof GraphqlFieldError));
      if (unanswerable) {
        return {
          kind: "unanswerable",
          error: {
            message: `The simulated Shopify cannot answer this: ${unanswerable.message}`,
            ...(unanswerable.path ? { path: unanswerable.path } : {}),
          },
        };
      }
      const data = (result.data ?? null) as Record<string, unknown> | null;
      return {
        kind: "answered",
        data,
        errors: (result.errors ?? []).map((error) => error.toJSON()),
        actualCost: isMutation ? requestedCost : selectionCost(operation.selectionSet, costContext, data),
      };
    },
  };
}
