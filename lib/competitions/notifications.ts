/**
 * Notifications: each is written once to the user's in-app list (the dedupe
 * key and the notification in one atomic commit), and then, where a sender is
 * configured, delivered through Whop.
 *
 * Their words are the app's; what users wrote (a competition's title, a
 * store's name, a creator's reason) is quoted as theirs and never reads as
 * the app speaking: a title of "Your account is locked, visit …" arrives as
 * “Your account is locked, visit …” is live. The types hold this: a
 * notification's title and body are {@link NotificationText}, made only by
 * {@link appText}, which takes quoted user text ({@link quoted}) and the
 * app's own facts (amounts, places, dates: {@link fact}) and nothing else.
 */
import { commit, keys, newId } from "../core/db.ts";
import { plainText } from "../core/text.ts";
import { formatDateTime } from "../web/time_text.ts";
import { getUser } from "../core/users.ts";

declare const QUOTED: unique symbol;
declare const FACT: unique symbol;
declare const APP_TEXT: unique symbol;

/** Text a user wrote, quoted for a notification: “…”. */
export type Quoted = string & { readonly [QUOTED]: true };
/** A value the app computed (an amount, a place, a date), not text anyone typed. */
export type Fact = string & { readonly [FACT]: true };
/** A notification's title or body: the app's words, with what users wrote quoted. */
export type NotificationText = string & { readonly [APP_TEXT]: true };

/** The longest user text a notification quotes, in characters (Whop's titles hold 120). */
export const MAX_QUOTED = 60;

/**
 * `text` (written by a user) as a quotation: on one line, without control or
 * direction-changing characters, its own curly quotes made straight so it
 * cannot close ours, cut to `max` characters with an ellipsis.
 * @example quoted("Holiday Cup") // "“Holiday Cup”"
 */
export function quoted(text: string, max = MAX_QUOTED): Quoted {
  const clean = plainText(text).replace(/\s+/g, " ").replace(/[“”„‟]/g, '"').replace(/[‘’‚‛]/g, "'").trim();
  const chars = [...clean];
  const cut = chars.length > max ? `${chars.slice(0, max - 1).join("").trimEnd()}…` : clean;
  return `“${cut}”` as Quoted;
}

/** A value the app computed, for {@link appText}. */
export function fact(value: string | number): Fact {
  return String(value) as Fact;
}

/**
 * A notification's title or body, written as a template: the app's words,
 * and in its gaps only quoted user text and the app's facts.
 * @example appText`${quoted(competition.title)} is live`
 */
export function appText(words: TemplateStringsArray, ...parts: (Quoted | Fact)[]): NotificationText {
  return words.reduce((text, word, i) => text + word + (i < parts.length ? parts[i] : ""), "") as NotificationText;
}

/** What a notification is about. */
export type NotificationKind =
  | "starting_soon"
  | "started"
  | "ending_soon"
  | "won"
  | "lost"
  | "funded"
  | "payout_sent"
  | "refunded"
  | "cancelled"
  | "disqualified"
  | "reinstated"
  | "settling"
  | "order_counted"
  | "order_excluded"
  | "orders_to_review";

/** One in-app notification. */
export interface Notification {
  id: string;
  userId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  competitionId?: string;
  /** The instant {@link TIME_MARK} in the title or body stands for, written in each reader's zone. */
  at?: string;
  createdAt: string;
  readAt?: string;
}

/** Where a notification's text names its `at`: replaced, for each reader, by that time in their zone. */
export const TIME_MARK = "{{time}}";

/**
 * A notification's title or body for a reader: {@link TIME_MARK} replaced by
 * `writeTime(at)` (the time in the reader's zone, or relative).
 * @example notificationText(n, "body", (iso) => formatDateTime(iso, "Asia/Tokyo"))
 */
export function notificationText(
  notification: Pick<Notification, "title" | "body" | "at">,
  field: "title" | "body",
  writeTime: (iso: string) => string,
): string {
  const text = notification[field];
  return notification.at ? text.replaceAll(TIME_MARK, writeTime(notification.at)) : text;
}

/**
 * A notification as read outside a page (the JSON API, Whop): its time mark
 * written in `timeZone` (the zone the reader's browser last said; UTC, named,
 * for someone never seen). `at` stays, in ISO 8601, for programs.
 */
export function notificationIn(notification: Notification, timeZone = "UTC"): Notification {
  const write = (iso: string) => formatDateTime(iso, timeZone);
  return {
    ...notification,
    title: notificationText(notification, "title", write),
    body: notificationText(notification, "body", write),
  };
}

/** Delivers a notification outside the app (Whop's notifications API). */
export type NotificationSender = (notification: Notification) => Promise<void>;

/** A notification to send, with the key that makes it once-only. */
export interface NotificationRequest {
  /** Same key, same notification: e.g. `won:<competitionId>:<userId>`. */
  dedupeKey: string;
  userId: string;
  kind: NotificationKind;
  title: NotificationText;
  body: NotificationText;
  competitionId?: string;
  /** The instant {@link TIME_MARK} in the title or body stands for. */
  at?: string;
}

/**
 * Records a notification once per dedupe key and hands it to `send` when it
 * is new. Returns the notification, or `null` when it was already sent.
 * Concurrent calls with the same key record and send it exactly once.
 *
 * @example
 * await notify(kv, { dedupeKey: `won:${id}:${userId}`, userId, kind: "won", title: appText`You won!`, body }, now, sender);
 */
export async function notify(
  kv: Deno.Kv,
  request: NotificationRequest,
  now: number,
  send?: NotificationSender,
): Promise<Notification | null> {
  const { dedupeKey, ...fields } = request;
  const notification: Notification = { id: newId(now), ...fields, createdAt: new Date(now).toISOString() };
  const sentKey = keys.notificationSent(dedupeKey);
  const result = await commit(() =>
    kv.atomic()
      .check({ key: sentKey, versionstamp: null })
      .set(sentKey, notification.id)
      .set(keys.notification(notification.userId, notification.id), notification)
  );
  if (!result.ok) return null;
  await send?.(notification);
  return notification;
}

/** A user's notifications, newest first, with the unread count. */
export async function listNotifications(
  kv: Deno.Kv,
  userId: string,
  limit = 20,
): Promise<{ notifications: Notification[]; unread: number }> {
  const notifications: Notification[] = [];
  let unread = 0;
  for await (const entry of kv.list<Notification>({ prefix: keys.notifications(userId) }, { reverse: true })) {
    if (!entry.value.readAt) unread++;
    if (notifications.length < limit) notifications.push(entry.value);
  }
  return { notifications, unread };
}

/** A user's notifications as the JSON API answers them: as `listNotifications`, each written in their zone. */
export async function notificationsView(
  kv: Deno.Kv,
  userId: string,
  limit = 20,
): Promise<{ notifications: Notification[]; unread: number }> {
  const [{ notifications, unread }, user] = await Promise.all([
    listNotifications(kv, userId, limit),
    getUser(kv, userId),
  ]);
  return { notifications: notifications.map((notification) => notificationIn(notification, user.timeZone)), unread };
}

/** Marks every notification of a user as read. */
export async function markNotificationsRead(kv: Deno.Kv, userId: string, now: number): Promise<void> {
  const readAt = new Date(now).toISOString();
  for await (const entry of kv.list<Notification>({ prefix: keys.notifications(userId) })) {
    if (!entry.value.readAt) await kv.set(entry.key, { ...entry.value, readAt });
  }
}
