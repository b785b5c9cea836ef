/**
 * `shopify.app.toml`, the Shopify CLI configuration `shopify app deploy`
 * applies, agrees with the app: the App URL is `GET /shopify`, the redirect
 * URL is the OAuth callback, the scope and API version are the ones the app
 * asks for, every URL is on one origin, and the webhook subscriptions have
 * one source: the compliance topics (app-wide only) are there, the topics
 * the app subscribes on each shop are not.
 */
import assert from "node:assert/strict";
import { parse } from "npm:smol-toml@1.9.1";
import { CALLBACK_PATH, SHOPIFY_API_VERSION, SHOPIFY_SCOPES, WEBHOOK_PATH } from "../lib/shopify/library.ts";
import { COMPLIANCE_TOPICS, SUBSCRIBED_TOPICS } from "../lib/shopify/webhooks.ts";

interface AppToml {
  client_id: string;
  application_url: string;
  embedded: boolean;
  access_scopes: { scopes: string; use_legacy_install_flow: boolean };
  auth: { redirect_urls: string[] };
  webhooks: { api_version: string; subscriptions: { topics?: string[]; compliance_topics?: string[]; uri: string }[] };
}

Deno.test("shopify.app.toml - the App URL, redirect, scope, API version and webhook subscriptions the app uses", async () => {
  const toml = parse(await Deno.readTextFile(new URL("../shopify.app.toml", import.meta.url))) as unknown as AppToml;
  const appUrl = new URL(toml.application_url);
  assert.equal(appUrl.pathname, "/shopify");
  assert.equal(appUrl.protocol, "https:");
  assert.equal(toml.embedded, false);
  assert.deepEqual(toml.auth.redirect_urls, [`${appUrl.origin}${CALLBACK_PATH}`]);
  assert.equal(toml.access_scopes.scopes, SHOPIFY_SCOPES.join(","));
  assert.equal(toml.webhooks.api_version, SHOPIFY_API_VERSION);

  const subscriptions = toml.webhooks.subscriptions;
  assert.ok(subscriptions.every((subscription) => subscription.uri === `${appUrl.origin}${WEBHOOK_PATH}`));
  const compliance = subscriptions.flatMap((subscription) => subscription.compliance_topics ?? []);
  assert.deepEqual(compliance.sort(), [...COMPLIANCE_TOPICS].sort());
  const appWide = subscriptions.flatMap((subscription) => subscription.topics ?? []);
  assert.deepEqual(appWide, [], "every other topic is subscribed per shop by the app, so not here");
  assert.ok(SUBSCRIBED_TOPICS.every((topic) => !compliance.includes(topic)));
});
