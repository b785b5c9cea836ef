/**
 * A real app for tests: in-memory KV, a settable clock, and Whop user tokens
 * signed by a key served from a loopback JWKS endpoint.
 */
import { type Config, loadConfig } from "../../config.ts";
import { type AppDeps, createApp } from "../../lib/app.ts";
import { createUserTokenSigner, type UserTokenSigner } from "../../lib/sandbox/user_tokens.ts";
import { createUserTokenVerifier } from "../../lib/user_token.ts";

/** A test clock: starts at `start` and moves only when told. */
export class TestClock {
  constructor(public ms = Date.parse("2026-12-01T12:00:00Z")) {}
  now = () => this.ms;
  advance(ms: number) {
    this.ms += ms;
  }
}

/** Everything a test needs to call the app as a real client would. */
export interface TestApp extends AsyncDisposable {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  kv: Deno.Kv;
  clock: TestClock;
  config: Config;
  signer: UserTokenSigner;
  /** Calls the app with a user token for `userId` (or anonymously). */
  request(path: string, init?: RequestInit & { userId?: string; json?: unknown }): Promise<Response>;
}

/**
 * Builds the app on `:memory:` KV with the given settings.
 *
 * @example
 * await using t = await createTestApp();
 * const res = await t.request("/api/competitions", { method: "POST", userId: "user_a", json: {...} });
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const appId = "app_test";
  const signer = await createUserTokenSigner(appId);
  const jwksServer = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => Response.json(signer.jwks),
  );
  const kv = await Deno.openKv(":memory:");
  const clock = new TestClock();
  const config = loadConfig({ SANDBOX: "1", COMPETITION_MIN_DURATION_S: "3600", WHOP_APP_ID: appId, ...env });
  const deps: AppDeps = {
    kv,
    config,
    now: clock.now,
    verifyUserToken: createUserTokenVerifier({
      jwksUrl: new URL(`http://127.0.0.1:${jwksServer.addr.port}/.well-known/jwks.json`),
      appId,
    }),
  };
  const app = createApp(deps);
  return {
    app,
    deps,
    kv,
    clock,
    config,
    signer,
    async request(path, init = {}) {
      const { userId, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (userId) headers.set("x-whop-user-token", await signer.sign(userId));
      if (json !== undefined) headers.set("content-type", "application/json");
      return app.request(
        new Request(`http://localhost${path}`, {
          ...rest,
          headers,
          body: json !== undefined ? JSON.stringify(json) : rest.body,
        }),
      );
    },
    async [Symbol.asyncDispose]() {
      kv.close();
      await jwksServer.shutdown();
    },
  };
}
