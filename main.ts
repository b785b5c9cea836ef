/**
 * Entry point: read the settings, open KV, build the app and serve it.
 */
import { ConfigError, loadConfig } from "./config.ts";
import { createApp } from "./lib/app.ts";
import { log } from "./lib/log.ts";
import { createUserTokenVerifier } from "./lib/user_token.ts";
import { ensureIslandBundles } from "./lib/island_build.ts";

async function openKv(path: string): Promise<Deno.Kv> {
  if (path !== ":memory:" && !/^https?:\/\//.test(path)) {
    const dir = path.replace(/[^/]*$/, "");
    if (dir) await Deno.mkdir(dir, { recursive: true });
  }
  return Deno.openKv(path);
}

if (import.meta.main) {
  let config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`CartBrawl cannot start: ${error.message}`);
    Deno.exit(1);
  }
  const kv = await openKv(config.kvPath);
  await ensureIslandBundles();
  const app = createApp({
    kv,
    config,
    now: Date.now,
    verifyUserToken: createUserTokenVerifier({
      jwksUrl: new URL("/.well-known/jwks.json", config.whop.origin),
      appId: config.whop.appId ?? "app_sandbox",
    }),
  });
  Deno.serve({
    port: config.port,
    onListen: ({ hostname, port }) =>
      log("info", "listening", { url: `http://${hostname}:${port}`, appUrl: config.appUrl, sandbox: config.sandbox }),
  }, app.fetch);
}
