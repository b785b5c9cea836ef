/**
 * The funding pages' models. Funding is a form post to the app that lands on
 * a page of the app (`/competitions/:id/fund`) whose link goes to Whop's
 * checkout: Chrome applies a page's `form-action` to every redirect of a
 * form submission, so a post that redirected to Whop's checkout origin would
 * be refused. After paying, Whop sends the browser to `/funding/:id/return`
 * (a season's to `/funding/seasons/:id/return`), which asks Whop for the
 * payment and records it at once.
 */
import type { Minor } from "../../core/money.ts";
import { confirmEscrowReturn, type Fundable, type FundingSubject, type ReturnOutcome } from "../../whop/escrow.ts";
import type { WhopDeps } from "../../whop/deps.ts";
import { getOwnCompetition } from "../actions.ts";
import type { Competition, FundingCheckoutRecord } from "../competitions.ts";

/** The page between the fund button and Whop's checkout. */
export interface CheckoutPageView {
  competition: Competition;
  checkout: FundingCheckoutRecord;
  /** The prize the checkout pays in, `checkout.amount - checkout.fee`. */
  prize: Minor;
}

/**
 * The checkout page of the creator's draft, or `null` when there is nothing
 * to pay (no checkout yet, funded, cancelled): the manage page says what
 * there is. 404 when private to someone else, 403 for another's.
 */
export async function checkoutPageView(
  kv: Deno.Kv,
  competitionId: string,
  userId: string,
): Promise<CheckoutPageView | null> {
  const competition = await getOwnCompetition(kv, competitionId, userId, "fund");
  if (competition.status !== "DRAFT" || !competition.checkout) return null;
  return { competition, checkout: competition.checkout, prize: competition.prize };
}

/** What the return from Whop's checkout shows. */
export type FundingReturnView =
  /** The caller is the competition's creator: their manage page says the rest. */
  | { creator: true }
  /**
   * Anyone else (a tab signed in nowhere, opened from Whop's frame): whether
   * this payment funded the prize, in words that name no competition, since
   * a draft is private and a community's competitions are its own.
   */
  | { creator: false; funded: boolean; outcome: ReturnOutcome };

/**
 * Confirms the payment Whop's redirect names for `id`, a competition or a
 * season as `subject` reads it (when `paymentId` is given: the route leaves
 * it out past the per-address limit), and says what to show.
 */
export async function fundingReturnView<T extends Fundable>(
  deps: WhopDeps,
  subject: FundingSubject<T>,
  id: string,
  paymentId: string | undefined,
  userId: string | undefined,
): Promise<FundingReturnView> {
  const outcome = await confirmEscrowReturn(deps, subject, id, paymentId);
  const funded = await subject.load(deps.kv, id);
  if (funded && userId !== undefined && funded.creatorId === userId) return { creator: true };
  return { creator: false, funded: !!paymentId && funded?.fundsTxId === paymentId, outcome };
}
