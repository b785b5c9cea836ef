/**
 * The simulated Whop's API-key permissions. Whop grants each company API key
 * (and each installed app) a set of named permissions, and every endpoint
 * states the ones it requires; a call with a key that lacks one is refused
 * with 403. The table below is what Whop publishes per endpoint: the
 * "Required permissions" of `@whop/sdk` 0.0.42's method docs where they list
 * any, else of the `@whop/mcp` 0.0.6 tool descriptions (the same source as
 * `contracts/`). Endpoints whose docs list none (access checks, a user's
 * public profile, a checkout configuration, which is public) need none.
 * A user's own OAuth access token is not an API key: it is not checked here.
 */
import { WhopApiError } from "./errors.ts";

/** What a payment read needs (`payments.retrieve`, `payments.list`, `refunds.retrieve`). */
const PAYMENT_READ = [
  "payment:basic:read",
  "plan:basic:read",
  "access_pass:basic:read",
  "member:email:read",
  "member:basic:read",
] as const;

/** Each simulated endpoint (`METHOD /path/{param}`) and the permissions Whop requires for it. */
export const ENDPOINT_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  "GET /companies/{id}": ["company:basic:read"],
  "GET /checkout_configurations": ["checkout_configuration:basic:read"],
  "POST /checkout_configurations": [
    "checkout_configuration:create",
    "plan:create",
    "access_pass:create",
    "access_pass:update",
  ],
  "GET /payments": PAYMENT_READ,
  "GET /payments/{id}": PAYMENT_READ,
  "POST /payments/{id}/refund": ["payment:manage", ...PAYMENT_READ.slice(1)],
  "GET /refunds/{id}": PAYMENT_READ,
  "GET /transfers": ["payout:transfer:read"],
  "GET /transfers/{id}": ["payout:transfer:read"],
  "POST /transfers": ["payout:transfer_funds"],
  "GET /ledger_accounts/{id}": ["company:balance:read", "payout:account:read"],
  "POST /notifications": ["notification:create"],
};

/** Every permission of the table: what a simulated API key holds unless told otherwise. */
export const ALL_PERMISSIONS: readonly string[] = [...new Set(Object.values(ENDPOINT_PERMISSIONS).flat())].sort();

const ROUTES = Object.entries(ENDPOINT_PERMISSIONS).map(([endpoint, permissions]) => {
  const [method, path] = endpoint.split(" ");
  return { method, pattern: new RegExp(`^${path.replace(/\{\w+\}/g, "[^/]+")}$`), permissions };
});

/** The permissions `method path` (under `/api/v1`) needs that `granted` lacks; none for an endpoint without any. */
export function missingPermissions(method: string, path: string, granted: ReadonlySet<string>): string[] {
  const route = ROUTES.find((candidate) => candidate.method === method && candidate.pattern.test(path));
  return (route?.permissions ?? []).filter((permission) => !granted.has(permission));
}

/** Whop's refusal of a call whose API key lacks `missing`. */
export function permissionRefusal(missing: readonly string[]): WhopApiError {
  return new WhopApiError(
    403,
    "forbidden",
    `This API key does not have the permission${missing.length === 1 ? "" : "s"} ${missing.join(", ")}.`,
  );
}
