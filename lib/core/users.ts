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
  updatedAt: string;
}

/** Saves (or refreshes) what Whop told us about a user. */
export async function saveUser(kv: Deno.Kv, user: Omit<User, "updatedAt">, now: number): Promise<User> {
  const saved = { ...user, updatedAt: new Date(now).toISOString() };
  await kv.set(keys.user(user.id), saved);
  return saved;
}

/** A user by id; unknown users are named by their id. */
export async function getUser(kv: Deno.Kv, id: string): Promise<User> {
  const { value } = await kv.get<User>(keys.user(id));
  return value ?? { id, name: id, updatedAt: new Date(0).toISOString() };
}
