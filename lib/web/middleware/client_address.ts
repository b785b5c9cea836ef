/**
 * Who is on the other end of the connection, for the per-address limits: the
 * connection's own address (Deno.serve passes it as the handler's second
 * argument, which Hono exposes as `c.env`), or, behind a reverse proxy that
 * the `TRUST_PROXY` setting vouches for, the address that proxy saw, read
 * from the right of `X-Forwarded-For`. Without that setting the header is
 * ignored: any client can write it.
 */
import type { MiddlewareHandler } from "hono";

/** Variables the client address middleware sets. */
export type ClientAddressVariables = { clientAddress: string };

/** What Deno.serve hands the app as `c.env` (absent when a test calls `app.request`). */
export type ServeBindings = Partial<Deno.ServeHandlerInfo<Deno.NetAddr>> | undefined;

/** The address used when the connection's is unknown (in-process requests). */
export const UNKNOWN_ADDRESS = "unknown";

/**
 * Sets `c.var.clientAddress`. `trustedProxies` is how many reverse proxies
 * in front of the app append to `X-Forwarded-For` (0: trust none).
 *
 * @example app.use(clientAddress({ trustedProxies: config.trustProxy }));
 */
export function clientAddress(
  options: { trustedProxies: number },
): MiddlewareHandler<{ Bindings: ServeBindings; Variables: ClientAddressVariables }> {
  return async (c, next) => {
    const peer = c.env?.remoteAddr?.hostname ?? UNKNOWN_ADDRESS;
    c.set(
      "clientAddress",
      options.trustedProxies > 0 ? forwardedFor(c.req.header("x-forwarded-for"), options.trustedProxies) ?? peer : peer,
    );
    await next();
  };
}

/** The address `hops` entries from the right of `X-Forwarded-For`, when it is there and looks like one. */
function forwardedFor(header: string | undefined, hops: number): string | undefined {
  if (!header) return undefined;
  const entries = header.split(",").map((entry) => entry.trim());
  const entry = entries[entries.length - hops];
  return entry && /^[0-9a-fA-F.:]{2,45}$/.test(entry) ? entry : undefined;
}
