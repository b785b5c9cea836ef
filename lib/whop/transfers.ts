/**
 * One Whop ledger transfer from `WHOP_COMPANY_ID`, as every payout makes it
 * (a competition's places and a season's prize, `payouts.ts` and
 * `season_payouts.ts`): tried first only when the company's available
 * balance covers it, a refusal for insufficient funds waited out
 * (`NotReadyError`), its idempotence key sent both ways so a repeat returns
 * the original transfer, and its notes within Whop's 50 characters.
 */
import type Whop from "@whop/sdk";
import { APIError } from "@whop/sdk";
import { formatMoney, type Minor } from "../core/money.ts";
import { fromWhopAmount, toWhopAmount, whopCurrency } from "./client.ts";
import type { WhopDeps } from "./deps.ts";
import { NotReadyError, type OnceRecord } from "./once.ts";

/** Whop's limit on a transfer's `notes`. */
export const TRANSFER_NOTES_MAX = 50;

/**
 * The transfer's notes: `Prize: <title>`, the title cut with an ellipsis so
 * the whole stays within {@link TRANSFER_NOTES_MAX} UTF-16 units (never
 * splitting a character).
 *
 * @example
 * transferNotes("Holiday Cup"); // "Prize: Holiday Cup"
 */
export function transferNotes(title: string): string {
  const whole = `Prize: ${title}`;
  if (whole.length <= TRANSFER_NOTES_MAX) return whole;
  let cut = "Prize: ";
  for (const char of title) {
    if (cut.length + char.length + 1 > TRANSFER_NOTES_MAX) break;
    cut += char;
  }
  return `${cut.trimEnd()}…`;
}

/** Whether Whop refused a transfer because the balance cannot cover it. */
function isInsufficientFunds(error: unknown): boolean {
  if (!(error instanceof APIError) || error.status !== 400) return false;
  const body = error.error as { error?: { type?: string; code?: string } } | undefined;
  return body?.error?.type === "insufficient_funds" || body?.error?.code === "insufficient_funds" ||
    /insufficient/i.test(error.message);
}

/** Throws `NotReadyError` unless the company's available balance covers `payout`. */
async function requireAvailableFunds(
  whop: Whop,
  companyId: string,
  payout: Pick<TransferOrder, "amount" | "currency">,
): Promise<void> {
  const account = await whop.ledgerAccounts.retrieve(companyId);
  const entry = account.balances.find((b) => b.currency.toUpperCase() === payout.currency);
  const available = entry ? fromWhopAmount(entry.balance, payout.currency, true) : 0;
  if (available >= payout.amount) return;
  const pending = entry ? fromWhopAmount(entry.pending_balance, payout.currency, true) : 0;
  throw new NotReadyError(
    `Waiting for funds to clear: ${formatMoney(Math.max(available, 0), payout.currency)} available, ` +
      `${formatMoney(pending, payout.currency)} pending, ${formatMoney(payout.amount, payout.currency)} needed.`,
  );
}

/** What a transfer is for: the record's amount to its user, under its idempotence key. */
export type TransferOrder = Pick<OnceRecord, "attempts" | "waits"> & {
  amount: Minor;
  currency: string;
  destinationUserId: string;
  idempotenceKey: string;
};

/**
 * Makes one ledger transfer from `WHOP_COMPANY_ID` for a payout record being
 * sent (`runOnce`'s call): on its first try only if the available balance
 * covers it, a refusal for insufficient funds waited out (`NotReadyError`),
 * and its idempotence key sent both ways so a repeat returns the original
 * transfer. A competition's places and a season's prize are paid through it.
 */
export async function makeTransfer(
  deps: Pick<WhopDeps, "whop" | "config">,
  order: TransferOrder,
  about: { metadata: Record<string, string>; notes: string },
): Promise<{ transferId: string }> {
  const { whop, config } = deps;
  if (!whop || !config.whop.companyId) throw new Error("Whop is not configured (WHOP_API_KEY, WHOP_COMPANY_ID).");
  // Only while no earlier call can have made the transfer: after one, only Whop's replay knows.
  if (order.attempts - 1 === (order.waits ?? 0)) {
    await requireAvailableFunds(whop, config.whop.companyId, order);
  }
  let transfer: Whop.TransferCreateResponse;
  try {
    transfer = await whop.transfers.create({
      amount: toWhopAmount(order.amount, order.currency),
      currency: whopCurrency(order.currency),
      origin_id: config.whop.companyId,
      destination_id: order.destinationUserId,
      idempotence_key: order.idempotenceKey,
      "Idempotency-Key": order.idempotenceKey,
      metadata: about.metadata,
      notes: about.notes,
    });
  } catch (error) {
    if (isInsufficientFunds(error)) {
      throw new NotReadyError("Waiting for funds to clear: Whop refused the transfer for insufficient funds.");
    }
    throw error;
  }
  if (!("origin_ledger_account_id" in transfer)) {
    throw new Error("Whop answered the payout with something other than a ledger transfer.");
  }
  return { transferId: transfer.id };
}
