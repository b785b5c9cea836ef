/**
 * Injected failures for the simulated Whop API, settable while it runs.
 * Endpoints are named after the `@whop/sdk` method that calls them, e.g.
 * `transfers.create`, `payments.retrieve`.
 */

/** How a transfer that was applied reports back: a 500, or a connection cut mid-body. */
export type TransferResponseFailure = "error" | "drop";

/** Pending failures, consumed one per matching request. */
export class WhopFaults {
  readonly #failNext = new Map<string, { count: number; status: number }>();
  #transferResponse: { count: number; mode: TransferResponseFailure } | null = null;

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

  /** Removes every pending failure. */
  clear(): void {
    this.#failNext.clear();
    this.#transferResponse = null;
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
