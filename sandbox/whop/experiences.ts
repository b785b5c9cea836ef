/**
 * The simulated Whop's experiences (a community's app installs) and who may
 * enter them: each experience lists its members as `admin` (the community's
 * team) or `customer` (a member with a membership); anyone else has
 * `no_access`. `GET /users/{id}/access/{resource_id}` (`users.checkAccess`)
 * answers from here, with Whop's shape `{ access_level, has_access }`.
 */
import { WhopApiError } from "./errors.ts";

/** A member's level in an experience, as Whop names it. */
export type AccessLevel = "admin" | "customer";

/** An experience of the simulated Whop. */
export interface SandboxExperience {
  /** `exp_…`. */
  id: string;
  /** Display name, e.g. "Store Builders Club". */
  name: string;
  /** Members by Whop user id. */
  members: Record<string, AccessLevel>;
}

/** What `users.checkAccess` answers. */
export interface AccessCheck {
  access_level: "no_access" | AccessLevel;
  has_access: boolean;
}

/** The experiences of the simulated Whop, and the access checks it answered. */
export class Experiences {
  readonly #byId = new Map<string, SandboxExperience>();
  /** Every access check answered, oldest first (tests count them to see the app's cache). */
  readonly checks: { userId: string; resourceId: string }[] = [];

  /** Adds (or replaces) an experience. */
  add(experience: SandboxExperience): void {
    this.#byId.set(experience.id, structuredClone(experience));
  }

  /** Sets or removes (`undefined`) one user's level in an experience. */
  setMember(experienceId: string, userId: string, level: AccessLevel | undefined): void {
    const experience = this.require(experienceId);
    if (level) experience.members[userId] = level;
    else delete experience.members[userId];
  }

  /** Every experience, in the order added. */
  list(): SandboxExperience[] {
    return [...this.#byId.values()];
  }

  /** An experience, or Whop's 404. */
  require(id: string): SandboxExperience {
    const experience = this.#byId.get(id);
    if (!experience) throw new WhopApiError(404, "not_found", `Experience ${id} not found`);
    return experience;
  }

  /** `users.checkAccess(resourceId, { id: userId })` for an experience id. */
  check(userId: string, resourceId: string): AccessCheck {
    this.checks.push({ userId, resourceId });
    const level = this.require(resourceId).members[userId];
    return level ? { access_level: level, has_access: true } : { access_level: "no_access", has_access: false };
  }
}
