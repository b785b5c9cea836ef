/**
 * Whop user tokens as the simulated Whop issues them: ES256 JWTs with
 * `iss` `urn:whopcom:exp-proxy`, `aud` the app id and `sub` the user id,
 * verifiable against the JWKS this module publishes.
 */
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";

/** The issuer Whop puts in every user token. */
export const USER_TOKEN_ISSUER = "urn:whopcom:exp-proxy";

/** A signing key in a form that can be saved and handed back to {@link createUserTokenSigner}. */
export interface UserTokenSigningKey {
  /** The `kid` in token headers and in the JWKS. */
  kid: string;
  /** The ES256 (P-256) private key as a JWK (`kty`, `crv`, `x`, `y`, `d`). Secret. */
  privateJwk: JWK;
}

/** Signs user tokens and publishes the matching public key set. */
export interface UserTokenSigner {
  /** The JSON body of `/.well-known/jwks.json`. */
  jwks: { keys: JWK[] };
  /** The key this signer uses, exported so that a later signer can take it over. */
  signingKey: UserTokenSigningKey;
  /** A token for `userId`, valid for `ttlSeconds` (default one hour). */
  sign(
    userId: string,
    options?: { ttlSeconds?: number; audience?: string },
  ): Promise<string>;
}

/**
 * A signer for tokens addressed to `appId`: with a fresh ES256 key pair, or
 * with `key` (a {@link UserTokenSigner.signingKey} saved earlier), so that
 * tokens and JWKS issued before keep verifying.
 *
 * @example
 * const signer = await createUserTokenSigner("app_demo");
 * const token = await signer.sign("user_1");
 * const again = await createUserTokenSigner("app_demo", signer.signingKey);
 */
export async function createUserTokenSigner(
  appId: string,
  key?: UserTokenSigningKey,
): Promise<UserTokenSigner> {
  let privateKey: CryptoKey;
  let publicJwk: JWK;
  let signingKey: UserTokenSigningKey;
  if (key) {
    const { kty, crv, x, y, d } = key.privateJwk;
    if (kty !== "EC" || crv !== "P-256" || !x || !y || !d) {
      throw new TypeError("The user-token signing key must be a P-256 private JWK");
    }
    privateKey = await importJWK({ kty, crv, x, y, d }, "ES256", { extractable: true }) as CryptoKey;
    publicJwk = { kty, crv, x, y };
    signingKey = { kid: key.kid, privateJwk: { kty, crv, x, y, d } };
  } else {
    const pair = await generateKeyPair("ES256", { extractable: true });
    privateKey = pair.privateKey;
    publicJwk = await exportJWK(pair.publicKey);
    signingKey = { kid: crypto.randomUUID(), privateJwk: await exportJWK(privateKey) };
  }
  const kid = signingKey.kid;
  const jwk = {
    ...publicJwk,
    kid,
    alg: "ES256",
    use: "sig",
  };
  return {
    jwks: { keys: [jwk] },
    signingKey,
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
