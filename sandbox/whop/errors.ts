/** Errors the simulated Whop API answers with, in Whop's JSON error shape. */

/** A failure with an HTTP status and Whop's `{ error: { type, code, message } }` body. */
export class WhopApiError extends Error {
  /** HTTP status to answer. */
  readonly status: number;
  /** Machine-readable error type, e.g. `invalid_request`, `not_found`. */
  readonly type: string;

  constructor(status: number, type: string, message: string) {
    super(message);
    this.status = status;
    this.type = type;
  }

  /** The JSON body: `type` and `code` carry the same value, as Whop uses both. */
  toJSON(): { error: { type: string; code: string; message: string } } {
    return {
      error: { type: this.type, code: this.type, message: this.message },
    };
  }
}
