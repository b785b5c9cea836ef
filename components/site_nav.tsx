/**
 * The header's navigation: page links (the current one marked), and the
 * signed-in user's name, notifications and sign-out, or a sign-in link.
 */
import type { User } from "../lib/core/users.ts";
import type { Notification } from "../lib/competitions/notifications.ts";
import { NotificationsMenu } from "./notifications_menu.tsx";

/** Props of {@link SiteNav}. */
export interface SiteNavProps {
  /** The request path, to mark the current link. */
  path: string;
  /** Where forms in the header come back to (path and query); the path when absent. */
  returnTo?: string;
  user: User | null;
  notifications: Notification[];
  unread: number;
}

const LINKS = [
  { href: "/", label: "Browse" },
  { href: "/my-competitions", label: "Entered" },
  { href: "/stores", label: "Stores" },
  { href: "/dashboard", label: "Created" },
  { href: "/competitions/new", label: "New competition" },
];

/** Rendered inside the page header's `<nav>`. */
export function SiteNav(props: SiteNavProps) {
  return (
    <>
      {LINKS.map((link) => (
        <a key={link.href} href={link.href} aria-current={props.path === link.href ? "page" : undefined}>
          {link.label}
        </a>
      ))}
      <span class="account">
        {props.user
          ? (
            <>
              <NotificationsMenu
                notifications={props.notifications}
                unread={props.unread}
                returnTo={props.returnTo ?? props.path}
              />
              <span class="user-name">{props.user.name}</span>
              <form method="post" action="/logout" class="inline-form">
                <button type="submit" class="button-link">Sign out</button>
              </form>
            </>
          )
          : <a href="/signin" aria-current={props.path === "/signin" ? "page" : undefined}>Sign in</a>}
      </span>
    </>
  );
}
