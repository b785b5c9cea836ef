/**
 * Validation at the edge: every request body and query a route reads is
 * parsed by one middleware (`hono/validator`) with a zod (mini) schema, and
 * a refusal is the app's `ValidationError` (400 `{error, issues, requestId}`,
 * or the error page on a page's path), never a body of the route's own.
 * Handlers read the result with `c.req.valid(target)`.
 *
 * On top of `hono/validator`: an unreadable JSON body or form is a
 * `ValidationError` with a sentence, not Hono's bare 400; and a JSON route
 * reads its body as JSON whatever its `Content-Type` says (`curl -d`, or
 * `fetch` with a string body, send none or another one), as the API always
 * has, where Hono would validate `{}` instead. The rules of the domain (a
 * competition's input) stay in `lib/`, which parses again with its own schema
 * before it authorises and writes.
 */
import type { Context, Env, MiddlewareHandler } from "hono";
import { validator } from "hono/validator";
import * as z from "zod/mini";
import { ValidationError } from "../core/errors.ts";
import { parseInput } from "../core/parse.ts";
import { isFormPost } from "./forms.ts";

/**
 * `hono/validator` over `schema` for `target`, the one place a request's
 * input is parsed; typed loosely here, exactly by {@link Validated} below.
 */
function honoValidator(target: "json" | "form" | "query", schema: z.ZodMiniType): MiddlewareHandler {
  return validator(target, (value) => parseInput(schema, value)) as unknown as MiddlewareHandler;
}

/** A middleware that leaves `c.req.valid(target)` typed as the schema's output. */
type Validated<T extends "json" | "form" | "query", S extends z.ZodMiniType> = MiddlewareHandler<
  Env,
  string,
  { in: { [K in T]: z.input<S> }; out: { [K in T]: z.output<S> } }
>;

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

function mediaType(c: Context): string {
  return (c.req.header("content-type") ?? "").split(";")[0].trim();
}

/** Reads the body as JSON once (Hono keeps it for the validator), or refuses it with a sentence. */
async function readJsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new ValidationError([], "The request body must be valid JSON.");
  }
}

/** Reads a posted form once (Hono keeps it for the validator), or refuses it with a sentence. */
async function readFormBody(c: Context): Promise<void> {
  if (!isFormPost(c.req.header("content-type"))) return;
  try {
    await c.req.formData();
  } catch {
    throw new ValidationError([], "The form could not be read; please submit it again.");
  }
}

/**
 * The JSON body, parsed with `schema`.
 * @example app.post("/api/x", validJson(schema), (c) => c.json(c.req.valid("json")))
 */
export function validJson<S extends z.ZodMiniType>(schema: S): Validated<"json", S> {
  const check = honoValidator("json", schema);
  return async (c, next) => {
    const body = await readJsonBody(c);
    if (JSON_MEDIA_TYPE.test(mediaType(c))) return await check(c, next);
    // JSON under another Content-Type: the same schema, on the body read above.
    c.req.addValidatedData("json", parseInput(schema, body) as Record<string, unknown>);
    await next();
  };
}

/**
 * A posted form (urlencoded or multipart), parsed with `schema`; another
 * `Content-Type` reads as an empty form.
 * @example app.post("/competitions/new", validForm(schema), (c) => … c.req.valid("form") …)
 */
export function validForm<S extends z.ZodMiniType>(schema: S): Validated<"form", S> {
  const check = honoValidator("form", schema);
  return async (c, next) => {
    await readFormBody(c);
    return await check(c, next);
  };
}

/**
 * The query string, parsed with `schema` (a repeated key is a list).
 * @example app.get("/api/x", validQuery(schema), (c) => … c.req.valid("query") …)
 */
export function validQuery<S extends z.ZodMiniType>(schema: S): Validated<"query", S> {
  return honoValidator("query", schema);
}

/**
 * A body that is a form post or JSON (`Content-Type` decides), parsed with
 * `schema` and read as `c.req.valid("json")` either way: for the routes a
 * browser's form and an API client both call.
 */
export function validFormOrJson<S extends z.ZodMiniType>(schema: S): Validated<"json", S> {
  const json = validJson(schema);
  const form = honoValidator("form", schema);
  return async (c, next) => {
    if (!isFormPost(c.req.header("content-type"))) return await json(c, next);
    await readFormBody(c);
    return await form(c, async () => {
      c.req.addValidatedData("json", c.req.valid("form" as never) as Record<string, unknown>);
      await next();
    });
  };
}

const NOT_AN_OBJECT = "The request body must be a JSON object.";

/** A JSON object of any fields (the domain checks them): refuses an array, a string, `null`. */
export const JSON_OBJECT = z.record(z.string(), z.unknown(), { error: NOT_AN_OBJECT });

/**
 * An object read for the named fields only, each passed on as sent (the
 * use-case checks it); other fields are dropped, anything but an object is
 * refused.
 * @example validJson(fieldsOf("reason")) // c.req.valid("json").reason: unknown
 */
export function fieldsOf<K extends string>(...names: K[]) {
  const shape = Object.fromEntries(names.map((name) => [name, z.optional(z.unknown())]));
  return z.object(shape as Record<K, z.ZodMiniOptional<z.ZodMiniUnknown>>, { error: NOT_AN_OBJECT });
}

/**
 * A whole number from the query within [`min`, `max`], `fallback` when
 * absent, zero or not a number: a page size, never a refusal.
 * @example validQuery(z.object({ limit: boundedCount(100, 1, 1000) }))
 */
export function boundedCount(fallback: number, min: number, max: number) {
  return z.catch(
    z.pipe(z.coerce.number(), z.transform((n) => Math.min(Math.max(Math.trunc(n) || fallback, min), max))),
    fallback,
  );
}

/** A query value as text: undefined when absent, or when the key is repeated (a list), never a refusal. */
export const QUERY_TEXT = z.catch(z.optional(z.string()), undefined);
