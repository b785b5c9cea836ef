/**
 * Whop's published request contract, enforced by the simulated Whop: every
 * request to an endpoint in `whop_mcp_0.0.6.json` (the input schemas of
 * `@whop/mcp` 0.0.6, extracted by `extract_schemas.ts`) is checked — its
 * path parameters and JSON body together, as the schema describes them —
 * and refused with a 400 in Whop's error shape when it does not match.
 *
 * The MCP cut is older than `@whop/sdk` 0.0.42, which the app uses. Where
 * the two name a field differently the SDK wins ({@link SDK_RENAMES}); the
 * MCP's constraints stand, including the one it states only in prose
 * ({@link PROSE_CONSTRAINTS}). Other differences met, where the stricter
 * MCP rule stands: optional strings of `notifications.create` are not
 * nullable (the SDK allows `null`); `transfers.create` requires `currency`
 * and `destination_id` (optional in the SDK, needed for ledger transfers);
 * `currency` is an enum of 84 lower-case codes (a string in the SDK).
 *
 * The checker covers the JSON-schema subset these files use: `type`,
 * `nullable`, `enum`, `required`, `properties`, `additionalProperties`,
 * `items`, `anyOf`, `$ref` to `#/$defs/…`, and `maxLength`.
 */
import publishedJson from "./whop_mcp_0.0.6.json" with { type: "json" };
import type { WhopSchemaFile } from "./extract_schemas.ts";

const published = publishedJson as unknown as WhopSchemaFile;

/** A JSON schema node of the subset this module checks. */
type Schema = {
  type?: string | string[];
  nullable?: boolean;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  $ref?: string;
  $defs?: Record<string, Schema>;
  maxLength?: number;
};

/** A field the SDK names differently from the MCP schema: the SDK's name is the one Whop's API takes today. */
export interface SdkRename {
  endpoint: string;
  /** The object holding the field, as property names from the body's root. */
  at: string[];
  from: string;
  to: string;
  why: string;
}

/** Every rename applied to the published schemas (SDK wins). */
export const SDK_RENAMES: readonly SdkRename[] = [
  {
    endpoint: "POST /checkout_configurations",
    at: ["plan"],
    from: "company_id",
    to: "account_id",
    why: "@whop/sdk 0.0.42 CheckoutConfigurationCreateParams.Plan has account_id (MCP 0.0.6: company_id, required)",
  },
  {
    endpoint: "GET /checkout_configurations",
    at: [],
    from: "company_id",
    to: "account_id",
    why: "@whop/sdk 0.0.42 CheckoutConfigurationListParams has account_id (MCP 0.0.6: company_id, required)",
  },
];

/** A constraint the published schema states only in a description. */
export interface ProseConstraint {
  endpoint: string;
  /** The property, as names from the body's root. */
  at: string[];
  maxLength: number;
  why: string;
}

/** Constraints added from the schemas' descriptions. */
export const PROSE_CONSTRAINTS: readonly ProseConstraint[] = [
  {
    endpoint: "POST /transfers",
    at: ["notes"],
    maxLength: 50,
    why: 'create-transfers: notes "Notes for the transfer. Maximum of 50 characters."',
  },
];

/** One endpoint's checked input schema and how to match its route. */
interface Endpoint {
  key: string;
  method: string;
  pattern: RegExp;
  params: string[];
  schema: Schema;
}

/** The object schemas reached by following `at` from `schema` (through `anyOf` branches). */
function objectsAt(schema: Schema, at: string[]): Schema[] {
  if (schema.anyOf) return schema.anyOf.flatMap((branch) => objectsAt(branch, at));
  if (at.length === 0) return [schema];
  const next = schema.properties?.[at[0]];
  return next ? objectsAt(next, at.slice(1)) : [];
}

function buildEndpoints(): Endpoint[] {
  return published.endpoints.map((endpoint) => {
    const key = `${endpoint.method} ${endpoint.path}`;
    const schema = structuredClone(endpoint.inputSchema) as Schema;
    for (const rename of SDK_RENAMES.filter((r) => r.endpoint === key)) {
      for (const object of objectsAt(schema, rename.at)) {
        if (!object.properties?.[rename.from]) continue;
        object.properties[rename.to] = object.properties[rename.from];
        delete object.properties[rename.from];
        object.required = object.required?.map((name) => name === rename.from ? rename.to : name);
      }
    }
    for (const constraint of PROSE_CONSTRAINTS.filter((c) => c.endpoint === key)) {
      const owners = objectsAt(schema, constraint.at.slice(0, -1));
      for (const owner of owners) {
        const property = owner.properties?.[constraint.at.at(-1)!];
        if (property) property.maxLength = constraint.maxLength;
      }
    }
    const params: string[] = [];
    const pattern = new RegExp(
      "^" + endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        params.push(name);
        return "([^/]+)";
      }) + "$",
    );
    return { key, method: endpoint.method, pattern, params, schema };
  });
}

const ENDPOINTS = buildEndpoints();

/** The published schema's package and version, e.g. `@whop/mcp@0.0.6`. */
export const CONTRACT_SOURCE = `${published.package}@${published.version}`;

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** The reasons `value` does not match `schema`, each starting with its JSON pointer. */
export function checkSchema(value: unknown, schema: Schema, root: Schema = schema, at = ""): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace(/^#\/\$defs\//, "");
    const target = root.$defs?.[name];
    if (!target) return [`${at || "/"} refers to an unknown schema ${schema.$ref}`];
    return checkSchema(value, target, root, at);
  }
  const where = at || "/";
  if (value === null && schema.nullable) return [];
  if (schema.type) {
    const allowed = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    const fits = allowed.includes(actual) || (actual === "integer" && allowed.includes("number"));
    if (!fits) return [`${where} must be ${allowed.join(" or ")}, not ${actual}`];
  }
  if (schema.enum && !schema.enum.includes(value)) {
    return [`${where} must be one of the allowed values, not ${JSON.stringify(value)}`];
  }
  if (typeof value === "string" && schema.maxLength !== undefined && value.length > schema.maxLength) {
    return [`${where} must be at most ${schema.maxLength} characters (got ${value.length})`];
  }
  const errors: string[] = [];
  if (schema.anyOf) {
    const branches = schema.anyOf.map((branch) => checkSchema(value, branch, root, at));
    if (!branches.some((e) => e.length === 0)) {
      errors.push(
        `${where} matches none of its ${branches.length} forms: ${branches.map((e) => e.join(", ")).join(" | ")}`,
      );
    }
  }
  if (typeOf(value) === "object") {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (object[name] === undefined) errors.push(`${where} must have required property '${name}'`);
    }
    for (const [name, field] of Object.entries(object)) {
      if (field === undefined) continue;
      const property = schema.properties?.[name];
      if (property) errors.push(...checkSchema(field, property, root, `${at}/${name}`));
      else if (schema.additionalProperties === false) errors.push(`${where} must not have property '${name}'`);
      else if (typeof schema.additionalProperties === "object") {
        errors.push(...checkSchema(field, schema.additionalProperties, root, `${at}/${name}`));
      }
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => errors.push(...checkSchema(item, schema.items!, root, `${at}/${i}`)));
  }
  return errors;
}

/** What the contract said about one request. */
export interface ContractCheck {
  /** `METHOD /path/{param}` of the endpoint. */
  endpoint: string;
  errors: string[];
}

/**
 * A query parameter as its schema reads it: the wire carries text, so a
 * number or boolean property is read from its digits or `true`/`false`
 * (anything else stays text, and the check names it).
 */
function queryValue(value: string, property: Schema | undefined): unknown {
  const types = property?.type === undefined ? [] : [property.type].flat();
  if ((types.includes("integer") || types.includes("number")) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (types.includes("boolean") && (value === "true" || value === "false")) return value === "true";
  return value;
}

/**
 * Checks a request under `/api/v1` against its endpoint's published schema —
 * its path parameters, query and JSON body together, as the schema describes
 * them: `null` when the endpoint is not in the contract file, else the errors
 * (none when valid).
 */
export function checkWhopRequest(
  method: string,
  path: string,
  body: unknown,
  query: Record<string, string> = {},
): ContractCheck | null {
  for (const endpoint of ENDPOINTS) {
    if (endpoint.method !== method) continue;
    const match = endpoint.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, unknown> = Object.fromEntries(
      endpoint.params.map((name, i) => [name, decodeURIComponent(match[i + 1])]),
    );
    for (const [name, value] of Object.entries(query)) {
      params[name] = queryValue(value, endpoint.schema.properties?.[name]);
    }
    const input = typeOf(body) === "object" ? { ...params, ...(body as Record<string, unknown>) } : body ?? params;
    return { endpoint: endpoint.key, errors: checkSchema(input, endpoint.schema) };
  }
  return null;
}

/** Counts of checked requests, per simulated Whop. */
export class ContractLog {
  /** Requests checked against a published schema. */
  validated = 0;
  /** Those refused, with why. */
  readonly invalid: { endpoint: string; errors: string[] }[] = [];
  /** Checked requests per endpoint. */
  readonly byEndpoint = new Map<string, number>();

  /** Notes one checked request. */
  record(check: ContractCheck): void {
    this.validated++;
    this.byEndpoint.set(check.endpoint, (this.byEndpoint.get(check.endpoint) ?? 0) + 1);
    if (check.errors.length > 0) this.invalid.push({ endpoint: check.endpoint, errors: check.errors });
  }
}
