/**
 * Injected failures for the simulated Whop API, settable while it runs.
 * Endpoints are named after the `@whop/sdk` method that calls them, e.g.
 * `transfers.create`, `payments.retrieve`.
 */

/** How a transfer that was applied reports back: a 500, or a connection cut mid-body. */
export type TransferResponseFailure = "error" | "drop";

/** How a refund the sandbox accepts ends, instead of `succeeded`. */
export type RefundFault = "pending" | "failed" | "canceled";

/** Pending failures, consumed one per matching request. */
export class WhopFaults {
  readonly #failNext = new Map<string, { count: number; status: number }>();
  #transferResponse: { count: number; mode: TransferResponseFailure } | null = null;
  #refundOutcome: { count: number; outcome: RefundFault } | null = null;

  /** The next `count` calls to `endpoint` answer `status` (default 500) without effect. */
  failNext(endpoint: string, count = 1, status = 500): void {
    this.#failNext.set(endpoint, { count, status });
  }

  /**
   * The next `count` transfer creations are applied (money moves, the transfer
   * is recorded) but the response fails: `"error"` answers 500, `"drop"` sends
   * headers then cuts the body, so the client sees a connection error.
   */
  failTransferResponse(
    count = 1,
    mode: TransferResponseFailure = "error",
  ): void {
    this.#transferResponse = { count, mode };
  }

  /**
   * The next `count` refunds are accepted (200, listed on the payment) but
   * end `outcome`: `failed` or `canceled` move no money, `pending` waits for
   * `WhopSandbox.setRefundStatus`.
   */
  refundOutcome(outcome: RefundFault, count = 1): void {
    this.#refundOutcome = { count, outcome };
  }

  /** Removes every pending failure. */
  clear(): void {
    this.#failNext.clear();
    this.#transferResponse = null;
    this.#refundOutcome = null;
  }

  /** Consumes one refund outcome: `pending`, `failed`, `canceled`, or undefined (succeeds). */
  takeRefundOutcome(): RefundFault | undefined {
    const fault = this.#refundOutcome;
    if (!fault) return undefined;
    if (--fault.count <= 0) this.#refundOutcome = null;
    return fault.outcome;
  }

  /** Consumes one injected failure for `endpoint`: its status, or undefined. */
  takeFailure(endpoint: string): number | undefined {
    const fault = this.#failNext.get(endpoint);
    if (!fault) return undefined;
    if (--fault.count <= 0) this.#failNext.delete(endpoint);
    return fault.status;
  }

  /** Consumes one "applied but failed" transfer response: its mode, or undefined. */
  takeTransferResponseFailure(): TransferResponseFailure | undefined {
    const fault = this.#transferResponse;
    if (!fault) return undefined;
    if (--fault.count <= 0) this.#transferResponse = null;
    return fault.mode;
  }
}
