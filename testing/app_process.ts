/**
 * Runs the real app (`main.ts`) as a separate process, as production does:
 * settings from the environment, a KV file, the simulated Whop and Shopify
 * as its outside services. For tests of several instances and of crashes.
 */
import type { ShopifySandbox } from "../sandbox/shopify/mod.ts";
import type { WhopSandbox } from "../sandbox/whop/mod.ts";
import { testShopifyEnv, testWhopEnv } from "./test_app.ts";

/** A running app process. */
export interface AppProcess extends AsyncDisposable {
  url: string;
  child: Deno.ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` (SIGKILL by default) and waits for the exit. */
  kill(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

const ENCRYPTION_KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(42)));

/**
 * A free port whose next `following` ports are free too, below the
 * ephemeral range (so outgoing connections do not take them meanwhile): for
 * a sandbox app, whose simulators listen on the ports after the app's.
 */
export function freePortRun(following: number): number {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const listeners: Deno.Listener[] = [];
    try {
      for (let i = 0; i <= following; i++) listeners.push(Deno.listen({ hostname: "127.0.0.1", port: port + i }));
      return port;
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    } finally {
      for (const listener of listeners) listener.close();
    }
  }
  throw new Error("No run of free ports found between 20000 and 30000.");
}

/** A free loopback port (bound and released; fine for tests). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** The production settings of an app process that uses these simulators. */
export function productionEnv(
  options: { kvPath: string; port: number; whop: WhopSandbox; shopify: ShopifySandbox },
): Record<string, string> {
  return {
    SANDBOX: "0",
    PORT: String(options.port),
    APP_URL: `http://127.0.0.1:${options.port}`,
    KV_PATH: options.kvPath,
    ENCRYPTION_KEY,
    ...testShopifyEnv(options.shopify.origin),
    ...testWhopEnv(options.whop.origin),
    SETTLEMENT_DELAY_S: "0",
    LOG_LEVEL: "warn",
  };
}

/**
 * Starts `deno run -A <script>` with `env` and waits until `/healthz`
 * answers (for `main.ts`); other scripts may pass `ready: false`. `flags`
 * are added to `-A` (a script outside the project needs
 * `--unstable-kv --unstable-cron`), `cwd` is the working directory.
 */
export async function startAppProcess(
  env: Record<string, string>,
  options: { script?: string; ready?: boolean; timeoutMs?: number; flags?: string[]; cwd?: string } = {},
): Promise<AppProcess> {
  const script = options.script ?? new URL("../main.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...options.flags ?? [], script],
    cwd: options.cwd,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let printed = "";
  const decoder = new TextDecoder();
  const pump = (stream: ReadableStream<Uint8Array>) =>
    stream.pipeTo(new WritableStream({ write: (chunk) => void (printed += decoder.decode(chunk, { stream: true })) }));
  const pumped = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const status = child.status;
  const url = env.APP_URL ?? `http://127.0.0.1:${env.PORT}`;
  const app: AppProcess = {
    url,
    child,
    output: () => printed,
    async kill(signal: Deno.Signal = "SIGKILL") {
      try {
        child.kill(signal);
      } catch {
        // already exited
      }
      const exit = await status;
      await pumped;
      return exit;
    },
    async [Symbol.asyncDispose]() {
      await app.kill();
    },
  };
  if (options.ready === false) return app;
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`);
      await res.body?.cancel();
      if (res.ok) return app;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await app.kill();
      throw new Error(`The app process did not start:\n${printed}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
