/**
 * Verifies Whop user tokens (`x-whop-user-token`): ES256 JWTs issued by
 * `urn:whopcom:exp-proxy` for this app, checked against Whop's JWKS. A
 * token must expire (`exp`), may not be issued in the future (`iat`, beyond
 * a minute of clock skew) and must name a user id of bounded length.
 */
import { createRemoteJWKSet, errors, jwtVerify } from "jose";
import { UnauthorizedError } from "../core/errors.ts";

/** The issuer Whop puts in every user token (Whop's app-view proxy). */
export const USER_TOKEN_ISSUER = "urn:whopcom:exp-proxy";

/** Longest user id accepted (Whop's are about 20 characters; KV keys are bounded). */
export const MAX_USER_ID_LENGTH = 64;

/** Clock difference tolerated between Whop and this server, in seconds. */
const CLOCK_SKEW_S = 60;

/** Turns a user token into the Whop user id it was issued for. */
export type UserTokenVerifier = (token: string) => Promise<string>;

/**
 * A verifier for tokens addressed to `appId`, with keys fetched (and cached)
 * from `jwksUrl`.
 *
 * @example
 * const verify = createUserTokenVerifier({ jwksUrl: new URL("https://api.whop.com/.well-known/jwks.json"), appId });
 * const userId = await verify(c.req.header("x-whop-user-token")!);
 */
export function createUserTokenVerifier(options: { jwksUrl: URL; appId: string }): UserTokenVerifier {
  const keySet = createRemoteJWKSet(options.jwksUrl, { cooldownDuration: 30_000, timeoutDuration: 5_000 });
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: USER_TOKEN_ISSUER,
        audience: options.appId,
        algorithms: ["ES256"],
        requiredClaims: ["exp", "sub"],
        clockTolerance: CLOCK_SKEW_S,
      });
      // jose checks exp and nbf but not an iat in the future.
      if (typeof payload.iat === "number" && payload.iat > Date.now() / 1000 + CLOCK_SKEW_S) {
        throw new UnauthorizedError("The Whop user token is not valid yet; check the server's clock.");
      }
      if (!payload.sub || payload.sub.length > MAX_USER_ID_LENGTH || !/^[\w-]+$/.test(payload.sub)) {
        throw new UnauthorizedError("The Whop user token names no valid user.");
      }
      return payload.sub;
    } catch (error) {
      if (error instanceof UnauthorizedError) throw error;
      if (error instanceof errors.JWTExpired) {
        throw new UnauthorizedError("Your Whop session has expired; reopen the app.");
      }
      if (error instanceof errors.JOSEError) throw new UnauthorizedError("The Whop user token is not valid.");
      throw error;
    }
  };
}
