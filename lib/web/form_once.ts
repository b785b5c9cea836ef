/**
 * Forms that create or pay act once per page, however often they are sent:
 * three quick clicks on "Create draft" make one draft. Each such form carries
 * a one-time token (a hidden field, new on each render of a fresh form); the
 * first post with a token claims it in KV and does the work, and every other
 * post of the same form with the same token (a double click, a resubmitted
 * page) gets that first post's outcome instead of doing it again, waiting
 * for it while it runs. A post that fails (a refused input) gives the token
 * back, so the corrected form can be sent with it. The button is also
 * disabled with a pending label while the page waits (the islands), but the
 * server's dedupe is what holds without JavaScript.
 */
import { commit, keys } from "../core/db.ts";
import { AppError } from "../core/errors.ts";

/** The name of the hidden field. */
export const FORM_TOKEN_FIELD = "formToken";

/** What a token looks like (anything else is ignored: the post acts, as from a form without one). */
const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/** How long a finished post's outcome is replayed. */
const KEEP_MS = 24 * 3600_000;
/** How long a claim holds while its post runs; one that dies frees its token after this. */
const CLAIM_MS = 60_000;

/** A token's record: claimed while its post runs, then the outcome to replay. */
type FormSubmission<T> = { state: "running" } | { state: "done"; outcome: T };

/**
 * A new token for a form, 128 random bits, URL-safe.
 * @example <input type="hidden" name={FORM_TOKEN_FIELD} value={newFormToken()} />
 */
export function newFormToken(): string {
  return crypto.getRandomValues(new Uint8Array(16)).toBase64({ alphabet: "base64url", omitPadding: true });
}

/** Which post of which form: `form` names the form (`create`, `fund`, …), `token` is what it carried. */
export interface FormPost {
  userId: string;
  form: string;
  token: unknown;
}

/**
 * Runs `work` once for `post`'s token and returns its outcome (JSON-ready);
 * a repeat of the same token returns the first outcome. Without a
 * well-formed token it simply runs `work`. A repeat that arrives while the
 * first still runs waits for it (up to `waitMs`, then 409 with a sentence).
 *
 * @example
 * const { id } = await oncePerForm(kv, { userId, form: "create", token: values.formToken }, async () => ({ id: (await create()).id }));
 */
export async function oncePerForm<T>(
  kv: Deno.Kv,
  post: FormPost,
  work: () => Promise<T>,
  options: { waitMs?: number } = {},
): Promise<T> {
  if (typeof post.token !== "string" || !TOKEN.test(post.token)) return await work();
  const key = keys.formSubmission(post.userId, post.form, post.token);
  const giveUpAt = Date.now() + (options.waitMs ?? 15_000);
  for (;;) {
    const entry = await kv.get<FormSubmission<T>>(key);
    if (entry.value?.state === "done") return entry.value.outcome;
    if (entry.value === null) {
      const claimed = await commit(() =>
        kv.atomic().check(entry).set(key, { state: "running" }, { expireIn: CLAIM_MS })
      );
      if (claimed.ok) break;
      continue;
    }
    if (Date.now() > giveUpAt) {
      throw new AppError(409, "This form is still being sent; wait a moment and reload the page.");
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let outcome: T;
  try {
    outcome = await work();
  } catch (error) {
    await kv.delete(key);
    throw error;
  }
  await kv.set(key, { state: "done", outcome }, { expireIn: KEEP_MS });
  return outcome;
}
