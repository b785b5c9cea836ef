/**
 * Delivers in-app notifications through Whop's notifications API as well.
 * A failed delivery is logged and skipped: the in-app record (written
 * before, once per dedupe key) is the source of truth.
 */
import type Whop from "@whop/sdk";
import type { NotificationSender } from "../competitions/notifications.ts";
import { log } from "../core/log.ts";
import { describeWhopError } from "./client.ts";

/**
 * A sender that pushes each notification to its user through Whop, or
 * `undefined` when there is no client or no `WHOP_COMPANY_ID`.
 *
 * @example
 * const sendNotification = createWhopNotificationSender(whop, config.whop.companyId);
 */
export function createWhopNotificationSender(
  whop: Whop | undefined,
  companyId: string | undefined,
): NotificationSender | undefined {
  if (!whop || !companyId) return undefined;
  return async (notification) => {
    try {
      await whop.notifications.create({
        company_id: companyId,
        title: notification.title.slice(0, 120),
        content: notification.body.slice(0, 1000),
        user_ids: [notification.userId],
        rest_path: notification.competitionId ? `/competitions/${notification.competitionId}` : null,
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
