/** Assertions for the sandbox's tests, on top of `node:assert` (built into Deno). */
import nodeAssert from "node:assert/strict";

/** Fails unless `condition` is truthy. */
export function assert(condition: unknown, message?: string): asserts condition {
  nodeAssert.ok(condition, message);
}

/** Fails unless `actual` deeply and strictly equals `expected`. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

/** Fails unless `text` matches `pattern`. */
export function assertMatch(text: string, pattern: RegExp): void {
  nodeAssert.match(text, pattern);
}

/** Fails unless `run` rejects with an instance of `type`; returns the error. */
export async function assertRejects<E extends Error>(
  run: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  type: new (...args: any[]) => E,
): Promise<E> {
  try {
    await run();
  } catch (error) {
    nodeAssert.ok(error instanceof type, `expected ${type.name}, got ${error}`);
    return error;
  }
  throw new nodeAssert.AssertionError({ message: `expected ${type.name}` });
}
