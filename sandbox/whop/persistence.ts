/**
 * What the simulated Whop keeps in its state file (`statePath`), and the one
 * snapshot/restore pair that moves it between the live objects and JSON.
 *
 * Kept: users, every ledger account id and balance, checkout
 * configurations, payments, refunds, transfers (whose idempotence keys keep
 * deduplicating), transfer attempts, notifications, OAuth codes, access and
 * refresh tokens (each with its expiry), and the user-token signing key, so
 * tokens and JWKS issued before a restart stay valid. Not kept: webhook
 * deliveries (sent or in flight), the webhook URL (an option), and faults.
 */
import * as z from "zod/mini";
import type { UserTokenSigningKey } from "../user_tokens.ts";
import type { OAuthGrants, OAuthGrantsSnapshot } from "./oauth_grants.ts";
import type { WhopState, WhopStateSnapshot } from "./whop_state.ts";

/** The `kind` of the simulated Whop's state document. */
export const WHOP_STATE_KIND = "whop-sandbox";

/** The `state` of the simulated Whop's state document (version 1). */
export interface WhopSandboxState {
  whop: WhopStateSnapshot;
  oauth: OAuthGrantsSnapshot;
  signingKey: UserTokenSigningKey;
}

const iso = z.string();
const metadata = z.nullable(z.record(z.string(), z.unknown()));
const json = z.record(z.string(), z.unknown());
const minor = z.int();

const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(["creator", "store_owner"]),
  balances: z.optional(z.record(z.string(), z.number())),
});

const grantSchema = z.object({
  userId: z.string(),
  clientId: z.string(),
  scope: z.string(),
  nonce: z.nullable(z.string()),
});

/** Checks a loaded `state` and types it. */
export const whopStateSchema: z.ZodMiniType<WhopSandboxState> = z.object({
  whop: z.object({
    company: z.object({ id: z.string(), title: z.string(), route: z.string() }),
    users: z.array(userSchema),
    ledger: z.object({
      accounts: z.array(z.object({ ownerId: z.string(), accountId: z.string() })),
      balances: z.array(z.object({ ownerId: z.string(), currency: z.string(), minor })),
      held: z._default(
        z.array(z.object({ ownerId: z.string(), currency: z.string(), minor, availableAt: z.number() })),
        [],
      ),
    }),
    checkoutConfigurations: z.array(z.object({
      id: z.string(),
      planId: z.string(),
      accountId: z.string(),
      amount: z.number(),
      amountMinor: minor,
      currency: z.string(),
      title: z.nullable(z.string()),
      metadata,
      redirectUrl: z.nullable(z.string()),
      purchaseUrl: z.string(),
      createdAt: iso,
    })),
    payments: z.array(
      z.pipe(
        z.object({
          id: z.string(),
          checkoutConfigurationId: z.string(),
          planId: z.string(),
          userId: z.string(),
          amount: z.number(),
          amountMinor: minor,
          currency: z.string(),
          metadata,
          refundedMinor: minor,
          // Files written before fees were modelled: the whole amount reached the company.
          afterFeesMinor: z.optional(minor),
          refundIds: z.array(z.string()),
          createdAt: iso,
          refundedAt: z.nullable(iso),
        }),
        z.transform((payment) => ({ ...payment, afterFeesMinor: payment.afterFeesMinor ?? payment.amountMinor })),
      ),
    ),
    refunds: z.array(z.object({
      id: z.string(),
      paymentId: z.string(),
      amount: z.number(),
      amountMinor: minor,
      currency: z.string(),
      status: z._default(z.enum(["pending", "succeeded", "failed", "canceled"]), "succeeded"),
      createdAt: iso,
    })),
    transfers: z.array(z.object({
      id: z.string(),
      amount: z.number(),
      amountMinor: minor,
      currency: z.string(),
      originId: z.string(),
      destinationId: z.string(),
      idempotenceKey: z.nullable(z.string()),
      metadata,
      notes: z.nullable(z.string()),
      createdAt: iso,
    })),
    transferAttempts: z.array(z.object({
      receivedAt: iso,
      body: json,
      idempotenceKey: z.nullable(z.string()),
      idempotencyKeyHeader: z.nullable(z.string()),
      outcome: z.enum(["created", "replayed", "rejected", "injected_failure"]),
      status: z.int(),
      transferId: z.nullable(z.string()),
      error: z.nullable(z.string()),
    })),
    notifications: z.array(z.object({
      receivedAt: iso,
      companyId: z.nullable(z.string()),
      experienceId: z.nullable(z.string()),
      title: z.string(),
      content: z.string(),
      userIds: z.nullable(z.array(z.string())),
      deliveredTo: z._default(z.array(z.string()), []),
      body: json,
    })),
  }),
  oauth: z.object({
    codes: z.array(z.object({
      code: z.string(),
      request: z.object({
        clientId: z.string(),
        redirectUri: z.string(),
        userId: z.string(),
        scope: z.string(),
        codeChallenge: z.string(),
        nonce: z.nullable(z.string()),
      }),
      expiresAt: z.number(),
    })),
    redeemedCodes: z.array(z.object({ code: z.string(), accessToken: z.string() })),
    accessTokens: z.array(z.object({ token: z.string(), grant: grantSchema, expiresAt: z.number() })),
    refreshTokens: z.array(z.object({ token: z.string(), grant: grantSchema })),
  }),
  signingKey: z.object({
    kid: z.string(),
    privateJwk: z.object({
      kty: z.literal("EC"),
      crv: z.literal("P-256"),
      x: z.string(),
      y: z.string(),
      d: z.string(),
    }),
  }),
});

/** The simulated Whop's durable state, detached from the live objects. */
export function snapshotWhop(
  state: WhopState,
  grants: OAuthGrants,
  signingKey: UserTokenSigningKey,
): WhopSandboxState {
  return {
    whop: state.snapshot(),
    oauth: grants.snapshot(),
    signingKey: structuredClone(signingKey),
  };
}

/**
 * Puts a saved state back into fresh live objects (the signing key is
 * handed to `createUserTokenSigner` separately).
 */
export function restoreWhop(
  state: WhopState,
  grants: OAuthGrants,
  saved: WhopSandboxState,
): void {
  state.restore(saved.whop);
  grants.restore(saved.oauth);
}
