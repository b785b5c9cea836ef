/**
 * What Shopify adds to plain GraphQL, on top of graphql-js and Shopify's
 * schema (`admin_schema.ts`): validation errors worded and coded the way the
 * Admin API reports them, errors a resolver raises with Shopify's
 * `extensions`, and the query cost Shopify's calculator charges.
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  Kind,
  type SelectionSetNode,
  specifiedRules,
  validate,
  type ValidationRule,
  valueFromASTUntyped,
} from "graphql";

/**
 * A value the resolvers return: `__typename` (how graphql-js picks the type
 * of an interface or union) and per field a value or a function of the
 * field's arguments, which graphql-js's default resolver calls.
 */
export interface GraphqlObject {
  __typename: string;
  [field: string]: unknown;
}

/** A field's arguments as graphql-js hands them to a resolver: coerced, variables substituted. */
export type FieldArguments = Record<string, unknown>;

/** One entry of a GraphQL `errors` array, as Shopify writes it. */
export interface GraphqlError {
  message: string;
  locations?: readonly { line: number; column: number }[];
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/** Thrown by a resolver: the field becomes null and the error is reported with its path and `extensions`. */
export class GraphqlFieldError extends Error {
  constructor(message: string, readonly extensions?: Record<string, unknown>) {
    super(message);
  }
}

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
