/**
 * The values the simulated Admin API's resolvers return and the error they
 * raise. Kept apart from the GraphQL engine (`admin_graphql.ts`) so that
 * loading the sandbox does not load graphql-js: it is loaded with the
 * schema, on the first Admin API request.
 */

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
