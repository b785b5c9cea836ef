/**
 * Debian's Chromium for browser tests, driven by playwright-core: a fresh
 * profile per launch, the flags this machine needs, and a page that records
 * console errors, warnings, page errors and CSP violations.
 */
// Pinned here, not in deno.json: packages listed there are installed by `deno task start` too.
import { type BrowserContext, chromium, type Frame, type Page } from "npm:playwright-core@1.65.1";
import { BROWSER_UA } from "./shopify.ts";

export type { BrowserContext, Frame, Page };

/** Where Debian installs Chromium. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Flags for headless Chromium on a machine with no network but loopback. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A running browser with its first page. */
export interface TestBrowser extends AsyncDisposable {
  context: BrowserContext;
  page: Page;
  /** Console errors and warnings (with where they came from), page errors and CSP violations, in order. */
  problems: string[];
}

/** Starts recording `page`'s problems into `problems`. */
export async function recordProblems(page: Page, problems: string[]): Promise<void> {
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      problems.push(`${message.text()} at ${message.location().url}`);
    }
  });
  page.on("pageerror", (error) => problems.push(error.message));
  await page.addInitScript(() =>
    document.addEventListener(
      "securitypolicyviolation",
      (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`),
    )
  );
}

/**
 * Launches Chromium with a fresh `--user-data-dir` (Playwright takes it as
 * the persistent context's directory). `desktopUserAgent` replaces the
 * "HeadlessChrome" User-Agent, which the Shopify library refuses as a bot.
 *
 * @example
 * await using browser = await launchBrowser({ viewport: { width: 360, height: 640 } });
 * await browser.page.goto(url);
 */
export async function launchBrowser(
  options: {
    viewport?: { width: number; height: number };
    desktopUserAgent?: boolean;
    /** The browser's time zone (IANA name), e.g. `America/Los_Angeles`; the machine's when absent. */
    timezoneId?: string;
    /** `false`: a browser with JavaScript off (every page works without it). */
    javaScriptEnabled?: boolean;
    /** Refuse third-party cookies, as Chrome does for more and more people (a framed page gets none). */
    blockThirdPartyCookies?: boolean;
  } = {},
): Promise<TestBrowser> {
  await requireChromium();
  const userDataDir = await Deno.makeTempDir({ prefix: "chromium_" });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: options.blockThirdPartyCookies ? [...CHROMIUM_ARGS, "--test-third-party-cookie-phaseout"] : CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1100, height: 900 },
    userAgent: options.desktopUserAgent ? BROWSER_UA : undefined,
    timezoneId: options.timezoneId,
    javaScriptEnabled: options.javaScriptEnabled,
  });
  const page = context.pages()[0] ?? await context.newPage();
  const problems: string[] = [];
  await recordProblems(page, problems);
  return {
    context,
    page,
    problems,
    async [Symbol.asyncDispose]() {
      await context.close();
      await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
    },
  };
}

/** Throws one sentence saying how to install Chromium when it is missing (instead of the driver's long error). */
export async function requireChromium(path = CHROMIUM_PATH): Promise<void> {
  try {
    if ((await Deno.stat(path)).isFile) return;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  throw new Error(
    `The browser tests need Chromium at ${path}; install it with \`apt-get install -y chromium\` (Debian/Ubuntu, as root).`,
  );
}
