/**
 * Shopify's OAuth callback, `GET /api/shopify/callback`: one redirect URL
 * serves every round trip, so the completed grant goes to what its state was
 * started for, a join (`join.ts`) or an install (`install.ts`).
 */
import { completeJoin, type JoinDeps, JoinRefused } from "./join.ts";
import { completeInstall, InstallFailed, type InstallResult } from "./install.ts";
import { finishOAuth, OAuthFailed, type OAuthGrant } from "./oauth.ts";
import type { Participant } from "../competitions/participants.ts";

/** What a callback did, and the cookies the library set or cleared. */
export type CallbackOutcome =
  | { kind: "joined"; participant: Participant; landing?: "window"; headers: Headers }
  | ({ kind: "installed"; headers: Headers } & InstallResult);

/**
 * Completes the round trip Shopify sent the browser back from; the
 * signed-in user is the site's session's, if any. Throws `CallbackError`
 * (400) when the request cannot be tied to a round trip, `JoinRefused` for a
 * refused join (the browser goes back with its code), `InstallFailed` for a
 * failed install, `ForbiddenError` for a join started by another account.
 */
export async function completeShopifyOAuth(
  deps: JoinDeps,
  request: Request,
  signedInUserId?: string,
): Promise<CallbackOutcome> {
  let grant: OAuthGrant;
  try {
    grant = await finishOAuth(deps, request);
  } catch (error) {
    if (!(error instanceof OAuthFailed)) throw error;
    const { state, code, message } = error;
    if (state.kind === "install") throw new InstallFailed(code);
    throw new JoinRefused(state.competitionId, code, message, state.landing);
  }
  const { state, headers } = grant;
  if (state.kind === "install") {
    return { kind: "installed", headers, ...await completeInstall(deps, grant, signedInUserId) };
  }
  const participant = await completeJoin(deps, { ...grant, state }, signedInUserId);
  return { kind: "joined", participant, landing: state.landing, headers };
}
