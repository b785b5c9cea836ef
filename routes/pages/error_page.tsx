/**
 * The HTML error page for every non-API path: a sign-in prompt for 401,
 * otherwise the error's sentence, the request id to quote (as every error
 * body carries it) and a way back.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppDeps } from "../_env.ts";
import { renderAppPage } from "./_shell.tsx";
import { SignInPrompt } from "../../components/signin_prompt.tsx";

const TITLES: Partial<Record<number, string>> = {
  400: "Something is not right",
  403: "Not allowed",
  404: "Not found",
  409: "Not possible right now",
  413: "Too large",
  429: "Too many requests",
};

/**
 * Renders an error as a page with `status`.
 * @example return renderErrorPage(c, deps, 404, "There is no competition with that id.");
 */
export function renderErrorPage(
  c: Context,
  deps: Pick<AppDeps, "kv" | "config" | "now">,
  status: ContentfulStatusCode,
  message: string,
): Promise<Response> {
  if (status === 401) {
    const returnTo = c.req.method === "GET" ? c.req.path + new URL(c.req.url).search : "/";
    return renderAppPage(c, deps, {
      title: "Sign in",
      status,
      body: <SignInPrompt reason={message} returnTo={returnTo} />,
    });
  }
  const title = TITLES[status] ?? "Something went wrong";
  return renderAppPage(c, deps, {
    title,
    status,
    body: (
      <section class="card">
        <h1>{title}</h1>
        <p>{message}</p>
        {c.get("requestId") && <p class="muted request-id">Request id: {c.get("requestId")}</p>}
        <p>
          <a href="/">Back to all competitions</a>
        </p>
      </section>
    ),
  });
}
