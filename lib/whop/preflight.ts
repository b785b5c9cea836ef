/**
 * The Whop half of the operators' preflight: one harmless call per area of
 * Whop the app uses, with the API key and company it runs with, so a key
 * missing a permission fails here, naming it, rather than on the first
 * funding or payout. Each area names the permissions the app needs there and
 * the ones its probe needs (Whop lists both per endpoint: `@whop/sdk`'s
 * method docs and its API reference). The probes only read, except the
 * notification one: Whop has no read of notifications, so one goes to the
 * company's own team (`company_id` notifications reach only the team).
 */
import Whop, { APIConnectionError, APIError } from "@whop/sdk";
import { failed, passed, type PreflightCheck } from "../core/preflight.ts";
import { describeWhopError } from "./client.ts";

/** What a payment read needs on Whop (`payments.retrieve`, `payments.list`). */
const PAYMENT_READ = [
  "payment:basic:read",
  "plan:basic:read",
  "access_pass:basic:read",
  "member:email:read",
  "member:basic:read",
];

/** What the probes share: the company's owner, read by the first, is who the access check asks about. */
interface ProbeContext {
  whop: Whop;
  companyId: string;
  ownerId?: string;
}

/** One area of Whop the app uses. */
interface WhopArea {
  name: string;
  /** The permissions the app needs here, and what for (the README lists them the same way). */
  needs: readonly string[];
  /** The permissions the probe itself needs, when others than `needs`. */
  probeNeeds?: readonly string[];
  /** The harmless call; resolves to what it found. */
  probe(context: ProbeContext): Promise<string>;
}

/** Every permission the app's API key needs, by area, in the order the preflight checks them. */
export const WHOP_AREAS: readonly WhopArea[] = [
  {
    name: "company",
    needs: ["company:basic:read"],
    async probe(context) {
      const company = await context.whop.companies.retrieve(context.companyId, { maxRetries: 1 });
      context.ownerId = company.owner_user.id;
      return `${company.title} (${company.id}), owned by ${company.owner_user.username}.`;
    },
  },
  {
    name: "checkout configurations",
    needs: ["checkout_configuration:create", "plan:create", "access_pass:create", "access_pass:update"],
    probeNeeds: ["checkout_configuration:basic:read"],
    async probe({ whop, companyId }) {
      const page = await whop.checkoutConfigurations.list({ account_id: companyId, first: 1 }, { maxRetries: 1 });
      return `the key can read the company's checkouts (${page.data.length === 0 ? "none yet" : "some"}).`;
    },
  },
  {
    name: "payments",
    needs: [...PAYMENT_READ, "payment:manage"],
    async probe({ whop, companyId }) {
      const page = await whop.payments.list({ company_id: companyId, first: 1 }, { maxRetries: 1 });
      return `the key can read the company's payments (${page.data.length === 0 ? "none yet" : "some"}).`;
    },
  },
  {
    name: "transfers",
    needs: ["payout:transfer_funds"],
    probeNeeds: ["payout:transfer:read"],
    async probe({ whop, companyId }) {
      const page = await whop.transfers.list({ origin_id: companyId, first: 1 }, { maxRetries: 1 });
      return `the key can read the company's transfers (${page.data.length === 0 ? "none yet" : "some"}).`;
    },
  },
  {
    name: "balance",
    needs: ["company:balance:read", "payout:account:read"],
    async probe({ whop, companyId }) {
      const account = await whop.ledgerAccounts.retrieve(companyId, { maxRetries: 1 });
      const balances = account.balances.map(({ balance, currency }) => `${balance} ${currency.toUpperCase()}`);
      return `the company's ledger answers${balances.length > 0 ? ` (available: ${balances.join(", ")})` : ""}.`;
    },
  },
  {
    name: "notifications",
    needs: ["notification:create"],
    async probe({ whop, companyId }) {
      await whop.notifications.create({
        company_id: companyId,
        title: "CartBrawl preflight",
        content: "deno task doctor checked that CartBrawl can notify people through Whop. Nothing to do.",
      }, { maxRetries: 1 });
      return "a test notification went to the company's team (Whop has no read of notifications).";
    },
  },
  {
    name: "access checks",
    needs: [],
    async probe({ whop, companyId, ownerId }) {
      if (!ownerId) throw new Error("The company check failed, so there is nobody to ask about.");
      const access = await whop.users.checkAccess(companyId, { id: ownerId }, { maxRetries: 1 });
      if (!access.has_access) {
        throw new Error(`Whop says the company's owner has no access to it (${access.access_level}).`);
      }
      return `Whop answers who may enter (the owner is ${access.access_level}).`;
    },
  },
];

/** The fix for a probe Whop refused, in one sentence. */
function fixFor(area: WhopArea, error: unknown, settings: { companyId: string; origin: string }): string {
  if (error instanceof APIError && error.status === 401) {
    return "Whop refused WHOP_API_KEY (401): set it to an API key of the company in WHOP_COMPANY_ID.";
  }
  if (error instanceof APIError && error.status === 403) {
    const permissions = [...new Set([...area.needs, ...area.probeNeeds ?? []])];
    return `Whop refused the API key (403: ${error.message}): give it ${permissions.join(", ")} ` +
      `(Whop dashboard → Developer → your API key → Edit permissions).`;
  }
  if (error instanceof APIError && error.status === 404) {
    return `Whop knows no ${settings.companyId} for this key (404): set WHOP_COMPANY_ID to the company the key ` +
      `belongs to (biz_…).`;
  }
  if (error instanceof APIConnectionError) {
    return `Whop did not answer at ${settings.origin}: check WHOP_ORIGIN (unset for Whop itself) and the network.`;
  }
  return `${describeWhopError(error)}.`.replace(/\.\.$/, ".");
}

/**
 * Runs every area's probe with `whop` (the app's client) for `companyId`,
 * and checks that Whop's user-token keys answer at `origin` (the app
 * verifies the Whop iframe's user tokens with them).
 */
export async function whopPreflight(
  whop: Whop,
  settings: { companyId: string; origin: string },
): Promise<PreflightCheck[]> {
  const context: ProbeContext = { whop, companyId: settings.companyId };
  const checks: PreflightCheck[] = [];
  for (const area of WHOP_AREAS) {
    const name = `Whop ${area.name}`;
    try {
      checks.push(passed(name, await area.probe(context)));
    } catch (error) {
      checks.push(failed(name, fixFor(area, error, settings)));
    }
  }
  checks.push(await userTokenKeysCheck(settings.origin));
  return checks;
}

/** Whop's user-token keys (`$WHOP_ORIGIN/.well-known/jwks.json`) answer with at least one key. */
async function userTokenKeysCheck(origin: string): Promise<PreflightCheck> {
  const name = "Whop user-token keys";
  const url = `${origin}/.well-known/jwks.json`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const body = await response.json().catch(() => null) as { keys?: unknown[] } | null;
    if (response.ok && Array.isArray(body?.keys) && body.keys.length > 0) {
      return passed(name, `${url} serves ${body.keys.length} key${body.keys.length === 1 ? "" : "s"}.`);
    }
    return failed(name, `${url} answered ${response.status} without keys: check WHOP_ORIGIN (unset for Whop itself).`);
  } catch {
    return failed(name, `${url} did not answer: check WHOP_ORIGIN (unset for Whop itself) and the network.`);
  }
}
