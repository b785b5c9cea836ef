/**
 * Who may enter a competition, and every reason a store may be refused, by
 * code: the rules the joins check before Shopify is asked anything and again
 * in the commit that creates the participant, and the sentences the pages
 * show for a refusal (a browser sent back carries only the code).
 */
import { type Competition, isOpenForJoining } from "./competitions.ts";
import { type AppError, ConflictError, ForbiddenError, ValidationError } from "../core/errors.ts";

/**
 * Every reason a store may be refused entry, by code, with the sentence the
 * competition page shows for it. A browser sent back after a refusal carries
 * only the code (`?joinError=<code>`); the page shows the sentence chosen
 * here, never text from the URL.
 */
export const JOIN_REFUSALS = {
  not_funded: () => "This competition is not open for joining: its prize is not funded yet.",
  ended: () => "This competition is not open for joining: it has ended.",
  cancelled: () => "This competition is not open for joining: it was cancelled.",
  creator: () => "You created this competition, so you cannot enter it: its prize would come back to you.",
  currency: (competition: Pick<Competition, "currency">) =>
    `This store sells in another currency; only stores selling in ${competition.currency} can join.`,
  already_joined: () => "You have already joined this competition.",
  store_taken: () => "That store is already in this competition.",
  store_reconnect: () => "Your store's connection changed while it was joining; press Join again to connect it.",
  invalid_shop: () =>
    "Enter your store's address as name.myshopify.com (or paste its admin.shopify.com/store/name link).",
  browser_required: () => "Connect your store from a web browser: open the competition page and press Join.",
  shop_mismatch: () => "Shopify answered for a different store than the one you entered. Press Join again.",
  cookie_lost: () => "Your browser did not keep the Shopify connection cookie (or it expired). Press Join again.",
  shopify_failed: () => "Shopify did not complete the connection; please press Join again.",
  currency_unknown: () => "Shopify did not tell us the store's currency; please press Join again.",
  too_many_attempts: () => "Too many attempts to join; wait a few minutes and try again.",
  refused: () => "Your store could not join this competition; please press Join again.",
} as const;

/** A reason a store was refused entry (a key of `JOIN_REFUSALS`). */
export type JoinRefusalCode = keyof typeof JOIN_REFUSALS;

/** Whether `value` is a known refusal code (anything else in a URL is ignored). */
export function isJoinRefusalCode(value: unknown): value is JoinRefusalCode {
  return typeof value === "string" && Object.hasOwn(JOIN_REFUSALS, value);
}

/** A refusal to join, with its code; the message is the code's sentence unless a more precise one is given. */
export class CannotJoinError extends ConflictError {
  override name = "CannotJoinError";
  constructor(readonly code: JoinRefusalCode, message?: string) {
    super(message ?? JOIN_REFUSALS[code]({ currency: "the competition's currency" }));
  }
}

/**
 * The refusal code for an error met while joining: its own code when it is
 * a `CannotJoinError`, otherwise by its kind (a bad shop address, a
 * non-browser client, too many attempts), else `refused`.
 */
export function joinRefusalCodeOf(error: AppError): JoinRefusalCode {
  if (error instanceof CannotJoinError) return error.code;
  if (error instanceof ValidationError) return "invalid_shop";
  if (error instanceof ForbiddenError) return "browser_required";
  if (error.status === 429) return "too_many_attempts";
  return "refused";
}

/**
 * Throws `CannotJoinError` when `joining` (a user, and the shop's currency
 * once known) cannot enter: the competition is not open, the user created
 * it, or the shop's currency differs from the prize's.
 */
export function assertCanJoin(
  competition: Competition,
  now: number,
  joining: { userId: string; currency?: string },
): void {
  if (!isOpenForJoining(competition, now)) {
    throw new CannotJoinError(
      competition.status === "DRAFT"
        ? "not_funded"
        : now >= Date.parse(competition.endDate) || competition.status === "COMPLETED"
        ? "ended"
        : "cancelled",
    );
  }
  if (joining.userId === competition.creatorId) throw new CannotJoinError("creator");
  if (joining.currency !== undefined && joining.currency !== competition.currency) {
    throw new CannotJoinError(
      "currency",
      `This store sells in ${joining.currency}, but the competition counts revenue in ${competition.currency}; only ${competition.currency} stores can join.`,
    );
  }
}
