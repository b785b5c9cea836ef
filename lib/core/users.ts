/**
 * Users as the app knows them from Whop: id, display name and username,
 * saved at sign-in (or on first sight of a user token).
 */
import { keys } from "./db.ts";

/** A Whop user. */
export interface User {
  id: string;
  name: string;
  username?: string;
  /** The zone (IANA name) their browser last said it is in: what is sent to them outside a page is written in it. */
  timeZone?: string;
  updatedAt: string;
}

/** Saves (or refreshes) what Whop told us about a user, keeping the zone their browser said. */
export async function saveUser(kv: Deno.Kv, user: Omit<User, "updatedAt">, now: number): Promise<User> {
  const known = (await kv.get<User>(keys.user(user.id))).value;
  const saved = {
    ...(known?.timeZone ? { timeZone: known.timeZone } : {}),
    ...user,
    updatedAt: new Date(now).toISOString(),
  };
  await kv.set(keys.user(user.id), saved);
  return saved;
}

/** Records the zone a user's browser says it is in (a user never saved is saved under their id). */
export async function rememberTimeZone(kv: Deno.Kv, user: User, timeZone: string, now: number): Promise<void> {
  await kv.set(keys.user(user.id), { ...user, timeZone, updatedAt: new Date(now).toISOString() });
}

/** A user by id; unknown users are named by their id. */
export async function getUser(kv: Deno.Kv, id: string): Promise<User> {
  const { value } = await kv.get<User>(keys.user(id));
  return value ?? { id, name: id, updatedAt: new Date(0).toISOString() };
}
