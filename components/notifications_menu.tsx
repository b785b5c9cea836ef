/**
 * The header's notifications: a `<details>` dropdown (works without
 * JavaScript) with the unread count and a form to mark them read.
 */
import { useContext } from "preact/hooks";
import { type Notification, notificationText } from "../lib/competitions/notifications.ts";
import { readableTime, ViewerClockContext } from "../lib/web/viewer_clock.ts";

/**
 * Where "Mark all as read" posts: the notifications API (`routes/whop_api.ts`),
 * which answers a form post with a 303 to its same-origin `returnTo`.
 */
export const NOTIFICATIONS_READ_PATH = "/api/notifications/read";

/** Props of {@link NotificationsMenu}. */
export interface NotificationsMenuProps {
  notifications: Notification[];
  unread: number;
  /** Where to come back to after marking them read. */
  returnTo: string;
}

/** `<NotificationsMenu notifications={list} unread={2} returnTo="/" />` */
export function NotificationsMenu(props: NotificationsMenuProps) {
  const { notifications, unread } = props;
  // Server-rendered with no island: times in the zone the reader's browser said, or relative to now.
  const { timeZone, now } = useContext(ViewerClockContext);
  const text = (notification: Notification, field: "title" | "body") =>
    notificationText(notification, field, (iso) => readableTime(iso, timeZone, now));
  return (
    <details class="menu notifications">
      <summary>
        Notifications
        {unread > 0 && <span class="count" aria-label={`${unread} unread`}>{unread}</span>}
      </summary>
      <div class="menu-panel">
        {notifications.length === 0 ? <p class="muted">Nothing yet.</p> : (
          <ul class="notification-list">
            {notifications.map((notification) => (
              <li key={notification.id} class={notification.readAt ? undefined : "unread"}>
                <strong>
                  {notification.competitionId
                    ? <a href={`/competitions/${notification.competitionId}`}>{text(notification, "title")}</a>
                    : text(notification, "title")}
                </strong>
                <span>{text(notification, "body")}</span>
                <time class="muted" dateTime={notification.createdAt}>
                  {readableTime(notification.createdAt, timeZone, now)}
                </time>
              </li>
            ))}
          </ul>
        )}
        {unread > 0 && (
          <form method="post" action={NOTIFICATIONS_READ_PATH}>
            <input type="hidden" name="returnTo" value={props.returnTo} />
            <button type="submit" class="button-secondary">Mark all as read</button>
          </form>
        )}
      </div>
    </details>
  );
}
