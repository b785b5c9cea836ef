/**
 * The demo's marker `["sandbox_demo"]`: which process is seeding this data
 * file's demo world, and what it has made so far, so the world is made once
 * even when the seeding is cut short.
 *
 * A process claims the seeding with an atomic check and renews its claim
 * every few seconds while it seeds (`HEARTBEAT_MS`); each competition and the
 * season are recorded in the marker as soon as they are funded. A seeding
 * that stops (a failed step, or the process told to stop) gives its claim
 * back and keeps the record, so the next attempt — this process's retry, or
 * the next `deno task start` — picks up where it stopped instead of making
 * the world a second time; a claim not renewed for `CLAIM_MS` (the process
 * died) may be taken over the same way. A process that lost its claim stops
 * at its next record.
 */
import { commit, keys } from "../../lib/core/db.ts";
import { DemoSeedError } from "./driver.ts";

/** This process, as the holder of a seeding claim. */
export const INSTANCE_ID: string = crypto.randomUUID();

/** How often a seeding process renews its claim. */
const HEARTBEAT_MS = 5_000;

/** How long a claim not renewed keeps other processes from seeding (its holder died). */
export const CLAIM_MS = 30_000;

/** The marker `["sandbox_demo"]`: what was seeded, once per data file. */
export interface DemoWorld {
  state: "seeding" | "seeded";
  /** The process seeding it; empty once a seeding that stopped gave its claim back. */
  holder: string;
  /** When the holder last renewed its claim. */
  claimedAt: string;
  seededAt?: string;
  /** The live competition the simulated customers buy for (recorded, like the four below, once funded). */
  activeId?: string;
  upcomingId?: string;
  completedId?: string;
  /** The competition of the demo community (`DEMO_COMMUNITY`). */
  communityId?: string;
  /** The demo season, in two divisions. */
  seasonId?: string;
  /** Set just before the sprint's sales are placed, so a resumed seeding never places them twice. */
  sprintSold?: boolean;
  /** A new live competition funded after the last one ended, not yet started: the next try starts it. */
  nextLiveId?: string;
  /** The stores of the live competition, where the simulated customers buy. */
  shops: string[];
  /** How many live competitions were seeded after the first one ended. */
  reseeded: number;
}

/** Reads the marker. */
export async function readDemoWorld(kv: Deno.Kv): Promise<DemoWorld | null> {
  return (await kv.get<DemoWorld>(keys.sandboxDemo())).value;
}

/** Why a claim was not taken: the world is seeded, or another seeding holds a live claim. */
export type ClaimRefusal = "seeded" | "busy";

/**
 * Claims the seeding at `now` (atomic check) and returns the marker as
 * claimed — with what an earlier seeding that stopped had made — or why not.
 */
export async function claimSeeding(kv: Deno.Kv, now: number): Promise<DemoWorld | ClaimRefusal> {
  for (;;) {
    const entry = await kv.get<DemoWorld>(keys.sandboxDemo());
    const world = entry.value;
    if (world?.state === "seeded") return "seeded";
    // A claim renewed lately, by this process or another, is being seeded: wait for it.
    if (world?.holder && now - Date.parse(world.claimedAt) < CLAIM_MS) return "busy";
    const claimed: DemoWorld = {
      shops: [],
      reseeded: 0,
      ...world,
      state: "seeding",
      holder: INSTANCE_ID,
      claimedAt: new Date(now).toISOString(),
    };
    const result = await commit(() => kv.atomic().check(entry).set(keys.sandboxDemo(), claimed));
    if (result.ok) return claimed;
  }
}

/**
 * Writes `change` into the marker while this process holds the claim and
 * returns the marker as written; throws `DemoSeedError` once it does not
 * (another process took the seeding over).
 */
export function recordSeeding(kv: Deno.Kv, change: Partial<DemoWorld>): Promise<DemoWorld> {
  return updateDemoWorld(kv, (world) => {
    if (world.state !== "seeding" || world.holder !== INSTANCE_ID) {
      throw new DemoSeedError("another process took the demo's seeding over");
    }
    return { ...world, ...change };
  });
}

/**
 * Renews this process's claim every `HEARTBEAT_MS` until the returned
 * function is called; `onLost` runs once if the claim was taken over.
 */
export function renewClaim(kv: Deno.Kv, onLost: () => void): () => void {
  const timer = setInterval(() => {
    recordSeeding(kv, { claimedAt: new Date().toISOString() }).catch(() => {
      clearInterval(timer);
      onLost();
    });
  }, HEARTBEAT_MS);
  return () => clearInterval(timer);
}

/**
 * Writes the marker as `change` makes it from what it holds (atomic check:
 * made again from a fresher read when another write came first), and
 * returns it; `change` may refuse by throwing.
 */
export async function updateDemoWorld(kv: Deno.Kv, change: (world: DemoWorld) => DemoWorld): Promise<DemoWorld> {
  for (;;) {
    const entry = await kv.get<DemoWorld>(keys.sandboxDemo());
    if (!entry.value) throw new DemoSeedError("the demo marker is gone");
    const next = change(entry.value);
    if ((await commit(() => kv.atomic().check(entry).set(keys.sandboxDemo(), next))).ok) return next;
  }
}

/** Gives this process's claim back, keeping what was made, so the next attempt resumes at once. */
export async function giveClaimBack(kv: Deno.Kv): Promise<void> {
  await recordSeeding(kv, { holder: "" }).catch((error) => {
    if (!(error instanceof DemoSeedError)) throw error;
  });
}
