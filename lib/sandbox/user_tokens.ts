/**
 * Whop user tokens as the simulated Whop issues them: ES256 JWTs with
 * `iss` `urn:whopcom:exp-proxy`, `aud` the app id and `sub` the user id,
 * verifiable against the JWKS this module publishes.
 */
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

/** The issuer Whop puts in every user token. */
export const USER_TOKEN_ISSUER = "urn:whopcom:exp-proxy";

/** Signs user tokens and publishes the matching public key set. */
export interface UserTokenSigner {
  /** The JSON body of `/.well-known/jwks.json`. */
  jwks: { keys: JWK[] };
  /** A token for `userId`, valid for `ttlSeconds` (default one hour). */
  sign(
    userId: string,
    options?: { ttlSeconds?: number; audience?: string },
  ): Promise<string>;
}

/**
 * A fresh ES256 key pair and a signer for tokens addressed to `appId`.
 *
 * @example
 * const signer = await createUserTokenSigner("app_demo");
 * const token = await signer.sign("user_1");
 */
export async function createUserTokenSigner(
  appId: string,
): Promise<UserTokenSigner> {
  const { publicKey, privateKey } = await generateKeyPair("ES256", {
    extractable: true,
  });
  const kid = crypto.randomUUID();
  const jwk = {
    ...(await exportJWK(publicKey)),
    kid,
    alg: "ES256",
    use: "sig",
  };
  return {
    jwks: { keys: [jwk] },
    sign(userId, options = {}) {
      return new SignJWT({})
        .setProtectedHeader({ alg: "ES256", kid })
        .setIssuer(USER_TOKEN_ISSUER)
        .setAudience(options.audience ?? appId)
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime(`${options.ttlSeconds ?? 3600}s`)
        .sign(privateKey);
    },
  };
}
