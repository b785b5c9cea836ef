/**
 * Typed errors of the domain. Each carries the HTTP status it maps to and a
 * sentence a user can read; `lib/app.ts` turns them into responses in one
 * place.
 */

/** One problem with one input field. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** An error whose message is safe to show to the user who caused it. */
export class AppError extends Error {
  override name = "AppError";
  constructor(readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 502 | 503, message: string) {
    super(message);
  }
}

/** The input breaks one or more rules; `issues` names each field. */
export class ValidationError extends AppError {
  override name = "ValidationError";
  constructor(readonly issues: FieldIssue[], message = "Some fields need attention.") {
    super(400, message);
  }
}

/** No valid credentials came with the request. */
export class UnauthorizedError extends AppError {
  override name = "UnauthorizedError";
  constructor(message = "Sign in to continue.") {
    super(401, message);
  }
}

/** The caller is known but may not do this. */
export class ForbiddenError extends AppError {
  override name = "ForbiddenError";
  constructor(message = "You are not allowed to do that.") {
    super(403, message);
  }
}

/** The thing asked for does not exist. */
export class NotFoundError extends AppError {
  override name = "NotFoundError";
  constructor(message = "Not found.") {
    super(404, message);
  }
}

/** The request is valid but the current state refuses it. */
export class ConflictError extends AppError {
  override name = "ConflictError";
  constructor(message: string) {
    super(409, message);
  }
}

/** An outside service (Shopify, Whop) failed; the user may retry. */
export class UpstreamError extends AppError {
  override name = "UpstreamError";
  constructor(message: string, override readonly cause?: unknown) {
    super(502, message);
  }
}
