/** Failures a test can switch on at run time, and the HTTP answers they produce. */

/** Settable at any time; counters go down by one each time they fire. */
export interface ShopifyFaults {
  /** The next N Admin GraphQL requests answer 429 with `Retry-After`. */
  graphqlRateLimited: number;
  /** The next N token requests (code exchange or refresh) answer 429. */
  tokenRateLimited: number;
  /** `Retry-After` of those 429s, in seconds (Shopify writes `2.0`). */
  retryAfterSeconds: number;
  /** The next N Admin GraphQL requests answer `serverErrorStatus`. */
  graphqlServerErrors: number;
  /** The next N token requests answer `serverErrorStatus`. */
  tokenServerErrors: number;
  /** Status of injected server errors, default 503. */
  serverErrorStatus: number;
  /** The next N webhook deliveries are logged as `dropped` and never sent. */
  dropWebhooks: number;
  /** The next N webhook deliveries are sent twice, with the same webhook id. */
  duplicateWebhooks: number;
  /** While true, deliveries are held until `releaseHeldWebhooks()`. */
  holdWebhooks: boolean;
}

/** No faults. */
export function createFaults(): ShopifyFaults {
  return {
    graphqlRateLimited: 0,
    tokenRateLimited: 0,
    retryAfterSeconds: 2,
    graphqlServerErrors: 0,
    tokenServerErrors: 0,
    serverErrorStatus: 503,
    dropWebhooks: 0,
    duplicateWebhooks: 0,
    holdWebhooks: false,
  };
}

/** Formats seconds the way Shopify's `Retry-After` does: `2.0`, `0.5`. */
export function retryAfterHeader(seconds: number): string {
  return Number.isInteger(seconds) ? seconds.toFixed(1) : String(seconds);
}

/**
 * If a fault is armed for `endpoint`, uses it up and returns the response to
 * send instead of the real one.
 */
export function takeHttpFault(
  faults: ShopifyFaults,
  endpoint: "graphql" | "token",
): Response | undefined {
  const rateKey = endpoint === "graphql" ? "graphqlRateLimited" : "tokenRateLimited";
  const errorKey = endpoint === "graphql" ? "graphqlServerErrors" : "tokenServerErrors";
  if (faults[rateKey] > 0) {
    faults[rateKey]--;
    return Response.json(
      {
        errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.",
      },
      {
        status: 429,
        headers: { "Retry-After": retryAfterHeader(faults.retryAfterSeconds) },
      },
    );
  }
  if (faults[errorKey] > 0) {
    faults[errorKey]--;
    return Response.json(
      { errors: "Internal error. Please try again later." },
      { status: faults.serverErrorStatus },
    );
  }
  return undefined;
}
