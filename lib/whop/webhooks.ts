/**
 * Whop's webhooks (Standard Webhooks): verify the signature with the SDK
 * (always with the headers: without them `unwrap` verifies nothing), drop a
 * delivery already applied (`lib/core/deliveries.ts`), and
 * apply the events CartBrawl acts on. The route only reads the body and
 * maps the outcome to a response.
 */
import type Whop from "@whop/sdk";
import { isDeliveryKnown, rememberDelivery } from "../core/deliveries.ts";
import { AppError, UnauthorizedError, ValidationError } from "../core/errors.ts";
import { log } from "../core/log.ts";
import type { WhopDeps } from "./deps.ts";
import { applyEscrowPayment, type Fundable, type FundingSubject, type PaymentOutcome } from "./escrow.ts";
import { COMPETITION_FUNDING } from "./funding.ts";
import { SEASON_FUNDING } from "./season_funding.ts";

/** Whop webhook bodies larger than this are refused with 413. */
export const WHOP_WEBHOOK_MAX_BYTES = 256 * 1024;

/** The path Whop posts webhooks to. */
export const WHOP_WEBHOOK_PATH = "/api/webhooks/whop";

/** What one delivery did. */
export type WhopWebhookOutcome =
  | { duplicate: true }
  | { duplicate?: false; outcome: PaymentOutcome | "ignored" };

/**
 * Verifies and applies one Whop webhook delivery. Throws 401 for a missing,
 * invalid or stale signature and 400 for a body that is not a Whop event.
 */
export async function receiveWhopWebhook(
  deps: WhopDeps & { whop: Whop },
  body: string,
  headers: Record<string, string>,
  requestId?: string,
): Promise<WhopWebhookOutcome> {
  if (!deps.config.whop.webhookSecret) throw new AppError(503, "Whop webhooks are not configured on this server.");
  let event: ReturnType<Whop["webhooks"]["unwrap"]>;
  try {
    event = deps.whop.webhooks.unwrap(body, { headers });
  } catch (error) {
    // `unwrap` parses the body only once the signature verified: a signed body that is not JSON is a 400.
    if (error instanceof SyntaxError) throw new ValidationError([], "The webhook body is not JSON.");
    // Logged sampled by the caller with the client address (a flood of forgeries is one line a minute).
    throw new UnauthorizedError("The webhook signature is missing, invalid or too old.");
  }
  const deliveryId = headers["webhook-id"];
  if (!deliveryId) throw new UnauthorizedError("The webhook has no webhook-id.");
  if (typeof event !== "object" || event === null || typeof event.type !== "string") {
    throw new ValidationError([], "The webhook body is not a Whop event.");
  }
  if (await isDeliveryKnown(deps.kv, "whop", deliveryId)) return { duplicate: true };
  if (event.type === "payment.succeeded") {
    if (typeof event.data !== "object" || event.data === null || typeof event.data.id !== "string") {
      throw new ValidationError([], "The payment.succeeded event carries no payment.");
    }
    // Its metadata names what it pays for: a season's escrow, else a competition's prize.
    const subject = typeof event.data.metadata?.seasonId === "string" ? SEASON_FUNDING : COMPETITION_FUNDING;
    const outcome = await applyEscrowPayment(deps, subject as FundingSubject<Fundable>, event.data, deliveryId);
    log("info", "whop payment webhook", { requestId, paymentId: event.data.id, outcome });
    return { outcome };
  }
  await rememberDelivery(deps.kv.atomic(), "whop", deliveryId).commit();
  return { outcome: "ignored" };
}
