/**
 * The Whop-facing API: funding checkouts, Whop's webhooks, the caller's
 * profile with balance and competitions, and in-app notifications.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type AppDeps, type AppEnv, readForm } from "../lib/app.ts";
import { AppError, UnauthorizedError, ValidationError } from "../lib/errors.ts";
import { requireUserId } from "../lib/middleware/caller.ts";
import { keys } from "../lib/db.ts";
import { type Competition, listCompetitionsByCreator } from "../lib/competitions.ts";
import { listParticipationsOfUser } from "../lib/participants.ts";
import { getUser } from "../lib/users.ts";
import { listNotifications, markNotificationsRead } from "../lib/notifications.ts";
import { log } from "../lib/log.ts";
import { competitionView } from "./competitions_api.ts";
import type { WhopDeps } from "../lib/whop/deps.ts";
import { applyPaymentSucceeded, createFundingCheckout } from "../lib/whop/funding.ts";
import { getWhopBalances } from "../lib/whop/balance.ts";
import { createWhopNotificationSender } from "../lib/whop/notification_sender.ts";
import { safeReturnTo } from "../lib/whop/oauth.ts";

/** Whop webhook bodies larger than this are refused with 413. */
export const WHOP_WEBHOOK_MAX_BYTES = 256 * 1024;

/** The path Whop posts webhooks to. */
export const WHOP_WEBHOOK_PATH = "/api/webhooks/whop";

/** Whether a request body is an HTML form (answered with a redirect, not JSON). */
function isFormPost(contentType: string | undefined): boolean {
  const type = contentType ?? "";
  return type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data");
}

/** The Whop routes; mount at `/`. */
export function whopApi(deps: AppDeps): Hono<AppEnv> {
  const whopDeps: WhopDeps = {
    kv: deps.kv,
    config: deps.config,
    now: deps.now,
    whop: deps.whop,
    sendNotification: createWhopNotificationSender(deps.whop, deps.config.whop.companyId),
  };

  return new Hono<AppEnv>()
    .post("/api/competitions/:id/fund", async (c) => {
      const userId = requireUserId(c);
      const { checkoutUrl } = await createFundingCheckout(whopDeps, c.req.param("id"), userId);
      if (isFormPost(c.req.header("content-type"))) return c.redirect(checkoutUrl, 303);
      return c.json({ checkoutUrl });
    })
    .post(
      WHOP_WEBHOOK_PATH,
      bodyLimit({
        maxSize: WHOP_WEBHOOK_MAX_BYTES,
        onError: () => {
          throw new AppError(413, `The webhook body is larger than ${WHOP_WEBHOOK_MAX_BYTES / 1024} KB.`);
        },
      }),
      async (c) => {
        if (!deps.whop || !deps.config.whop.webhookSecret) {
          throw new AppError(503, "Whop webhooks are not configured on this server.");
        }
        const body = await c.req.text();
        const headers = Object.fromEntries(c.req.raw.headers);
        let event: ReturnType<typeof deps.whop.webhooks.unwrap>;
        try {
          // Always with headers: without them the SDK verifies nothing.
          event = deps.whop.webhooks.unwrap(body, { headers });
        } catch (error) {
          log("warn", "whop webhook refused", {
            requestId: c.var.requestId,
            webhookId: headers["webhook-id"],
            error: error instanceof Error ? error.message : String(error),
          });
          throw new UnauthorizedError("The webhook signature is missing, invalid or too old.");
        }
        const deliveryId = headers["webhook-id"];
        if (!deliveryId) throw new UnauthorizedError("The webhook has no webhook-id.");
        if (typeof event !== "object" || event === null || typeof event.type !== "string") {
          throw new ValidationError([], "The webhook body is not a Whop event.");
        }
        const deliveryKey = keys.webhookDelivery("whop", deliveryId);
        if ((await deps.kv.get(deliveryKey)).value !== null) {
          return c.json({ ok: true, duplicate: true });
        }
        if (event.type === "payment.succeeded") {
          if (typeof event.data !== "object" || event.data === null || typeof event.data.id !== "string") {
            throw new ValidationError([], "The payment.succeeded event carries no payment.");
          }
          const outcome = await applyPaymentSucceeded(whopDeps, event.data, deliveryId);
          log("info", "whop payment webhook", { requestId: c.var.requestId, paymentId: event.data.id, outcome });
          return c.json({ ok: true, outcome });
        }
        await deps.kv.set(deliveryKey, true, { expireIn: 7 * 24 * 3600 * 1000 });
        return c.json({ ok: true, outcome: "ignored" });
      },
    )
    .get("/api/user", async (c) => {
      const userId = requireUserId(c);
      const [user, created, participations, balances] = await Promise.all([
        getUser(deps.kv, userId),
        listCompetitionsByCreator(deps.kv, userId),
        listParticipationsOfUser(deps.kv, userId),
        getWhopBalances(deps.whop, userId),
      ]);
      const joinedIds = [...new Set(participations.map((p) => p.competitionId))];
      const joinedCompetitions = new Map<string, Competition>();
      for (let i = 0; i < joinedIds.length; i += 10) {
        const entries = await deps.kv.getMany<Competition[]>(joinedIds.slice(i, i + 10).map(keys.competition));
        for (const entry of entries) if (entry.value) joinedCompetitions.set(entry.value.id, entry.value);
      }
      return c.json({
        id: user.id,
        name: user.name,
        username: user.username ?? null,
        balance: balances?.[0] ?? null,
        balances,
        competitions: {
          created: created.map(competitionView),
          joined: participations.flatMap((participant) => {
            const competition = joinedCompetitions.get(participant.competitionId);
            return competition
              ? [{
                ...competitionView(competition),
                participation: {
                  participantId: participant.id,
                  shop: participant.shop,
                  displayName: participant.displayName,
                },
              }]
              : [];
          }),
        },
      });
    })
    .get("/api/notifications", async (c) => {
      const userId = requireUserId(c);
      const limit = Math.min(Math.max(Number(c.req.query("limit") ?? 20) || 20, 1), 100);
      return c.json(await listNotifications(deps.kv, userId, limit));
    })
    .post("/api/notifications/read", async (c) => {
      const userId = requireUserId(c);
      await markNotificationsRead(deps.kv, userId, deps.now());
      if (isFormPost(c.req.header("content-type"))) {
        const form = await readForm(c);
        const returnTo = typeof form.returnTo === "string" ? form.returnTo : undefined;
        return c.redirect(safeReturnTo(returnTo, deps.config.appUrl), 303);
      }
      return c.json({ ok: true, unread: 0 });
    });
}
