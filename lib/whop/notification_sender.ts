/**
 * Delivers in-app notifications through Whop's notifications API as well,
 * where Whop can reach the user: a notification sent with `company_id`
 * reaches only the company's own team, so members are reached through the
 * Whop community (experience) a competition belongs to, with `experience_id`
 * and `user_ids`. A competition outside any community notifies in the app
 * only, and Whop is not called. A failed delivery is logged and skipped: the
 * in-app record (written before, once per dedupe key) is the source of truth.
 */
import type Whop from "@whop/sdk";
import { keys } from "../core/db.ts";
import type { Competition } from "../competitions/competitions.ts";
import { notificationIn, type NotificationSender } from "../competitions/notifications.ts";
import { getUser } from "../core/users.ts";
import { log } from "../core/log.ts";
import { describeWhopError } from "./client.ts";

/** The Whop community (experience) a competition belongs to, if any. */
export function competitionExperienceId(competition: Competition | null): string | undefined {
  const experienceId = (competition as { experienceId?: unknown } | null)?.experienceId;
  return typeof experienceId === "string" && experienceId !== "" ? experienceId : undefined;
}

/**
 * A sender that pushes each notification about a competition in a Whop
 * community to its user through that community, or `undefined` when there
 * is no Whop client.
 *
 * @example
 * const sendNotification = createWhopNotificationSender(whop, kv);
 */
export function createWhopNotificationSender(whop: Whop | undefined, kv: Deno.Kv): NotificationSender | undefined {
  if (!whop) return undefined;
  return async (notification) => {
    if (!notification.competitionId) return;
    const competition = (await kv.get<Competition>(keys.competition(notification.competitionId))).value;
    const experienceId = competitionExperienceId(competition);
    if (!experienceId) return;
    // Outside a page the reader's zone is the one their browser last said (UTC, named, for someone never seen).
    const { title, body } = notificationIn(
      notification,
      notification.at ? (await getUser(kv, notification.userId)).timeZone : undefined,
    );
    try {
      await whop.notifications.create({
        experience_id: experienceId,
        title: title.slice(0, 120),
        content: body.slice(0, 1000),
        user_ids: [notification.userId],
        rest_path: `/competitions/${notification.competitionId}`,
      }, { maxRetries: 1, timeout: 10_000 });
    } catch (error) {
      log("warn", "whop notification not delivered", {
        notificationId: notification.id,
        userId: notification.userId,
        error: describeWhopError(error),
      });
    }
  };
}
