/**
 * Renders a page inside the app's shell: the header with navigation, the
 * signed-in user and their notifications, and the sandbox banner. Pages show
 * the caller's own state, so they are never cached.
 */
import type { ComponentChildren } from "preact";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppDeps } from "../_env.ts";
import { renderPage, viewerClock } from "../../lib/web/render.tsx";
import { getUser, rememberTimeZone } from "../../lib/core/users.ts";
import { listNotifications } from "../../lib/competitions/notifications.ts";
import { SiteNav } from "../../components/site_nav.tsx";

/** `Cache-Control` of every page response. */
export const PAGE_CACHE_CONTROL = "private, no-store";

/** One page to render in the shell. */
export interface AppPage {
  title: string;
  body: ComponentChildren;
  status?: ContentfulStatusCode;
  /** Extra `<head>` elements, e.g. Open Graph `<meta>` tags. */
  head?: ComponentChildren;
}

/**
 * Renders `page` for the caller (`c.var.userId`, when signed in).
 * @example return renderAppPage(c, deps, { title: "Browse", body: <Browse … /> });
 */
export async function renderAppPage(c: Context, deps: Pick<AppDeps, "kv" | "config" | "now">, page: AppPage) {
  const userId: string | undefined = c.get("userId");
  const [user, inbox] = userId
    ? await Promise.all([getUser(deps.kv, userId), listNotifications(deps.kv, userId)])
    : [null, { notifications: [], unread: 0 }];
  const now = deps.now();
  // What is sent to the user outside a page (Whop's notifications) is written in the zone their browser last said.
  const { timeZone } = viewerClock(c, now);
  if (user && timeZone && user.timeZone !== timeZone) await rememberTimeZone(deps.kv, user, timeZone, now);
  c.header("Cache-Control", PAGE_CACHE_CONTROL);
  const { pathname, search } = new URL(c.req.url);
  return renderPage(c, {
    title: page.title,
    body: page.body,
    status: page.status,
    head: page.head,
    sandbox: deps.config.sandbox,
    now,
    nav: (
      <SiteNav
        path={c.req.path}
        returnTo={pathname + search}
        user={user}
        notifications={inbox.notifications}
        unread={inbox.unread}
      />
    ),
  });
}
