/**
 * Who may enter a Whop community's competitions: the members of its
 * experience, asked of Whop (`users.checkAccess(experienceId, { id: userId })`)
 * and remembered briefly in KV, so a page, its stream and its API calls cost
 * one Whop call per user per minute. Whop's `admin` level (the community's
 * team) may also create and manage; `customer` (a member) may see and join;
 * anyone else sees nothing: every read answers 404, as for an unknown id.
 */
import type Whop from "@whop/sdk";
import { APIError } from "@whop/sdk";
import { keys } from "../core/db.ts";
import { ForbiddenError, NotFoundError, UpstreamError } from "../core/errors.ts";
import { log } from "../core/log.ts";
import { describeWhopError } from "./client.ts";
import type { Competition } from "../competitions/competitions.ts";

/** A user's place in a community: its team, a member, or neither. */
export type CommunityAccess = "admin" | "member" | "none";

/** How long a checked access is remembered, ms. */
export const ACCESS_CACHE_MS = 60_000;

/** What an access check needs. */
export interface AccessDeps {
  kv: Deno.Kv;
  /** The Whop client; without it nobody is let into a community. */
  whop?: Whop;
}

/**
 * The user's access to experience `experienceId`, from the KV cache or Whop.
 * An experience Whop does not know admits nobody; Whop failing is a 502 (the
 * user may retry), never an open door. `recheckOutsider` asks Whop again
 * when the cache says "none": the community's page does, so someone who
 * just joined on Whop is let in when they come back.
 */
export async function communityAccess(
  deps: AccessDeps,
  experienceId: string,
  userId: string,
  options: { recheckOutsider?: boolean } = {},
): Promise<CommunityAccess> {
  const key = keys.experienceAccess(experienceId, userId);
  const cached = await deps.kv.get<CommunityAccess>(key);
  if (cached.value && !(options.recheckOutsider && cached.value === "none")) return cached.value;
  if (!deps.whop) throw new UpstreamError("Whop is not configured, so community access cannot be checked.");
  let access: CommunityAccess;
  try {
    const answer = await deps.whop.users.checkAccess(experienceId, { id: userId }, { maxRetries: 1, timeout: 5_000 });
    access = !answer.has_access ? "none" : answer.access_level === "admin" ? "admin" : "member";
  } catch (error) {
    if (!(error instanceof APIError && error.status === 404)) {
      log("warn", "whop access check failed", { experienceId, userId, error: describeWhopError(error) });
      throw new UpstreamError("Whop did not answer the access check; please try again.", error);
    }
    access = "none";
  }
  await deps.kv.set(key, access, { expireIn: ACCESS_CACHE_MS });
  return access;
}

/**
 * Lets `userId` (undefined: signed out) see a competition: always, unless it
 * belongs to a community, whose members and creator alone may see it; anyone
 * else gets the same 404 as an unknown id.
 */
export async function assertMaySee(
  deps: AccessDeps,
  competition: Pick<Competition, "experienceId" | "creatorId">,
  userId: string | undefined,
  noun: "competition" | "season" = "competition",
): Promise<void> {
  if (competition.experienceId === undefined || userId === competition.creatorId) return;
  if (userId !== undefined && await communityAccess(deps, competition.experienceId, userId) !== "none") return;
  throw new NotFoundError(`There is no ${noun} with that id.`);
}

/** Lets only the community's admins create a competition in it (403 for members, 404 for anyone else). */
export async function assertCommunityAdmin(deps: AccessDeps, experienceId: string, userId: string): Promise<void> {
  const access = await communityAccess(deps, experienceId, userId);
  if (access === "none") throw new NotFoundError("There is no community with that experience id.");
  if (access !== "admin") throw new ForbiddenError("Only the community's admins can create its competitions.");
}

/** Where someone outside a community joins it on Whop: the community's name and its company's store page. */
export interface CommunityJoin {
  /** The experience's name, e.g. "Store Builders Club". */
  name: string;
  /** The company that runs it. */
  company: string;
  /** Its store page on Whop's website, where memberships are sold. */
  url: string;
}

/**
 * Whop's website for its API origin (`WHOP_ORIGIN`): `https://api.whop.com`
 * → `https://whop.com`, `https://sandbox-api.whop.com` →
 * `https://sandbox.whop.com`; a simulator serves both from one origin.
 */
export function whopWebOrigin(apiOrigin: string): string {
  const url = new URL(apiOrigin);
  url.hostname = url.hostname.replace(/^(sandbox-)?api\./, (_, sandbox) => sandbox ? "sandbox." : "");
  return url.origin;
}

/**
 * How to join experience `experienceId` (`experiences.retrieve`: its name
 * and company); `null` when Whop knows no such experience. Whop failing is a
 * 502, as for the access check.
 */
export async function communityJoin(
  deps: AccessDeps & { whopOrigin: string },
  experienceId: string,
): Promise<CommunityJoin | null> {
  if (!deps.whop) throw new UpstreamError("Whop is not configured, so the community cannot be looked up.");
  try {
    const experience = await deps.whop.experiences.retrieve(experienceId, { maxRetries: 1, timeout: 5_000 });
    return {
      name: experience.name,
      company: experience.company.title,
      url: new URL(`/${encodeURIComponent(experience.company.route)}`, whopWebOrigin(deps.whopOrigin)).href,
    };
  } catch (error) {
    if (error instanceof APIError && error.status === 404) return null;
    log("warn", "whop experience lookup failed", { experienceId, error: describeWhopError(error) });
    throw new UpstreamError("Whop did not answer; please try again.", error);
  }
}
