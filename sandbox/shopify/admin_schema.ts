/**
 * Shopify's own Admin GraphQL schema, so the simulated Admin API accepts and
 * answers exactly what the real one would. The schema is Shopify's
 * introspection result for API version 2026-07 as published in npm
 * `@shopify/dev-mcp@1.16.0` (`dist/data/admin_2026-07.json.gz`), vendored
 * byte for byte next to this module: installing that package would pull
 * ~330 MB of unrelated tooling (Shopify CLI, Vite, Wrangler) into every
 * install, because Deno's `node_modules` holds the whole lock file.
 * Refresh: `npm pack @shopify/dev-mcp@<version>`, extract that file here,
 * update the constants below (the contract test checks the digest).
 *
 * Building the schema costs ~0.5 s, so it happens once, on first use, and
 * start-up never pays for it.
 */
import { readBundledFile } from "../../lib/core/bundled_files.ts";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

/** The Admin API version the schema describes. */
export const ADMIN_SCHEMA_VERSION = "2026-07";

/** Where the schema comes from: the npm package and the file inside it. */
export const ADMIN_SCHEMA_SOURCE = "npm:@shopify/dev-mcp@1.16.0/dist/data/admin_2026-07.json.gz";

/** SHA-256 (hex) of the vendored file, equal to the file in the package named by {@link ADMIN_SCHEMA_SOURCE}. */
export const ADMIN_SCHEMA_SHA256 = "5bcde995c89c59acdb2ee494378d96f45ce7378a16ec829a74b71d696a08ef19";

/** The vendored introspection file. */
export const ADMIN_SCHEMA_FILE = new URL("./admin_2026-07.json.gz", import.meta.url);

/** Its name among the data files a release embeds (`lib/core/bundled_files.ts`). */
export const ADMIN_SCHEMA_BUNDLED_NAME = "admin_2026-07.json.gz";

let schema: Promise<GraphQLSchema> | undefined;

async function buildAdminSchema(): Promise<GraphQLSchema> {
  const compressed = await readBundledFile(ADMIN_SCHEMA_BUNDLED_NAME, () => ADMIN_SCHEMA_FILE);
  const text = await new Response(
    new Blob([compressed]).stream().pipeThrough(new DecompressionStream("gzip")),
  ).text();
  const introspection = JSON.parse(text) as { data: IntrospectionQuery };
  // Shopify's published schema is taken as valid: checking it again costs ~0.1 s on the first request.
  return buildClientSchema(introspection.data, { assumeValid: true });
}

/** Shopify's Admin schema, built on the first call and shared by every later one. */
export function adminSchema(): Promise<GraphQLSchema> {
  schema ??= buildAdminSchema().catch((error) => {
    schema = undefined;
    throw error;
  });
  return schema;
}
