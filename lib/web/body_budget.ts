/**
 * A cap on the request-body bytes the process buffers at once on a route
 * (the webhooks, whose bodies can be up to 1 MB and must be read whole before
 * their signature can be checked). A request waits for its share before its
 * body is read, so a flood of large forged bodies costs at most the budget
 * in memory, however many arrive together; each is still verified in turn,
 * so a correctly signed one is never refused for them.
 */
import type { MiddlewareHandler } from "hono";

/**
 * Middleware: waits until its body's bytes (`Content-Length`, or `maxBody`
 * when the length is not declared) fit within `budgetBytes`, runs the route,
 * and frees them. A declared length beyond `maxBody` passes straight on, to
 * the body limit that refuses it without reading.
 *
 * @example app.post("/api/shopify/webhooks", bodyBudget({ budgetBytes: 4 << 20, maxBody: 1 << 20 }), handler)
 */
export function bodyBudget(options: { budgetBytes: number; maxBody: number }): MiddlewareHandler {
  let inUse = 0;
  const waiting: { bytes: number; go: () => void }[] = [];
  const admit = () => {
    while (waiting.length > 0 && (inUse === 0 || inUse + waiting[0].bytes <= options.budgetBytes)) {
      const next = waiting.shift()!;
      inUse += next.bytes;
      next.go();
    }
  };
  return async (c, next) => {
    const header = c.req.header("content-length");
    const declared = header === undefined ? NaN : Number(header);
    if (declared > options.maxBody) return next();
    const bytes = Number.isFinite(declared) && declared >= 0 ? declared : options.maxBody;
    await new Promise<void>((go) => {
      waiting.push({ bytes, go });
      admit();
    });
    try {
      await next();
    } finally {
      inUse -= bytes;
      admit();
    }
  };
}
