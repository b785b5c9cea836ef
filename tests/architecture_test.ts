/**
 * The layout's rules, checked on the real module graph (`deno info --json`
 * over every source module, `import type` included): no import cycle;
 * `lib/` imports nothing outside `lib/` (not `config.ts`: it receives its
 * settings as values), `lib/core` no other concern of `lib/`, `lib/live`
 * nothing of `lib/web`; `config.ts` imports nothing of the app; routes
 * neither read KV nor import its keys, and import no other route module but
 * the shared `_env.ts` and the pages' `_shell.tsx`; no module of
 * `routes/`, `components/`, `islands/` or `lib/` is over 400 lines; and a
 * production start reaches `sandbox/` only through the `import()` that
 * `app.ts` runs in sandbox mode.
 */
import assert from "node:assert/strict";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SKIP = /(^|\/)(node_modules|static|data|tests|bench|dist|\.git)(\/|$)|_test\.tsx?$/;

/** Every source module of the product (tests and benches aside), relative to the root. */
async function sourceModules(dir = ROOT): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}${entry.name}`;
    const rel = relative(ROOT, path);
    if (SKIP.test(rel)) continue;
    if (entry.isDirectory) out.push(...await sourceModules(`${path}/`));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(rel);
  }
  return out;
}

/** How one module imports another: a static import, `import()` or `import type`. */
type ImportKind = "static" | "dynamic" | "type";

/** The graph: each source module's local imports (code and type), relative paths, with how each is imported. */
async function importEdges(): Promise<Map<string, { to: string; kind: ImportKind }[]>> {
  const modules = await sourceModules();
  const dir = await Deno.makeTempDir();
  const entry = `${dir}/all.ts`;
  await Deno.writeTextFile(entry, modules.map((m) => `import "file://${ROOT}${m}";`).join("\n"));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", `${ROOT}deno.json`, entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(dir, { recursive: true });
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: {
      specifier: string;
      dependencies?: { code?: { specifier: string }; type?: { specifier: string }; isDynamic?: boolean }[];
    }[];
  };
  const local = (specifier: string | undefined) =>
    specifier?.startsWith(`file://${ROOT}`) ? specifier.slice(`file://${ROOT}`.length) : null;
  const graph = new Map<string, { to: string; kind: ImportKind }[]>();
  for (const module of info.modules) {
    const from = local(module.specifier);
    if (!from || !modules.includes(from)) continue;
    graph.set(
      from,
      (module.dependencies ?? []).flatMap((d) => {
        const code = local(d.code?.specifier);
        const type = local(d.type?.specifier);
        return [
          ...code ? [{ to: code, kind: d.isDynamic ? "dynamic" as const : "static" as const }] : [],
          ...type && type !== code ? [{ to: type, kind: "type" as const }] : [],
        ];
      }),
    );
  }
  return graph;
}

/** The graph without import kinds: each source module's local imports, relative paths. */
async function importGraph(): Promise<Map<string, string[]>> {
  const edges = await importEdges();
  return new Map([...edges].map(([from, tos]) => [from, [...new Set(tos.map(({ to }) => to))]]));
}

/** Every import in the graph as `from → to`, for which `wrong(from, to)` holds. */
async function importsWhere(wrong: (from: string, to: string) => boolean): Promise<string[]> {
  return [...await importGraph()].flatMap(([from, tos]) =>
    tos.filter((to) => wrong(from, to)).map((to) => `${from} → ${to}`)
  );
}

Deno.test("architecture - no import cycle among the source modules, import type included", async () => {
  const graph = await importGraph();
  assert.ok(graph.size > 100, `the graph has ${graph.size} modules`);
  const state = new Map<string, "open" | "done">();
  const cycles: string[][] = [];
  const visit = (node: string, path: string[]) => {
    if (state.get(node) === "done") return;
    if (state.get(node) === "open") {
      cycles.push([...path.slice(path.indexOf(node)), node]);
      return;
    }
    state.set(node, "open");
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, "done");
  };
  for (const node of graph.keys()) visit(node, []);
  assert.deepEqual(cycles.map((cycle) => cycle.join(" → ")), []);
});

Deno.test("architecture - imports run one way: lib/ imports nothing outside lib/ (config.ts included); routes import only _env and _shell", async () => {
  const graph = await importGraph();
  const wrong: string[] = [];
  for (const [from, tos] of graph) {
    for (const to of tos) {
      if (from.startsWith("lib/") && !to.startsWith("lib/")) wrong.push(`${from} → ${to}`);
      if (
        from.startsWith("routes/") && to.startsWith("routes/") && !/^routes\/(_env\.ts|pages\/_shell\.tsx)$/.test(to)
      ) {
        if (from !== "routes/pages/mod.ts") wrong.push(`${from} → ${to}`);
      }
      if (from.startsWith("routes/") && /^(tests|testing|cron)\//.test(to)) wrong.push(`${from} → ${to}`);
      if (from.startsWith("routes/") && to.startsWith("sandbox/") && from !== "routes/sandbox.ts") {
        wrong.push(`${from} → ${to}`);
      }
      if (/^(components|islands)\//.test(from) && /^(routes|sandbox|cron)\//.test(to)) wrong.push(`${from} → ${to}`);
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("architecture - routes never touch KV: no keys import, no kv call", async () => {
  const found: string[] = [];
  for (const module of (await sourceModules()).filter((m) => m.startsWith("routes/"))) {
    const text = await Deno.readTextFile(`${ROOT}${module}`);
    if (/import\s*\{[^}]*\bkeys\b[^}]*\}\s*from/.test(text)) found.push(`${module}: imports keys`);
    if (/\bkv\.(get|getMany|set|delete|list|atomic|watch|enqueue)\b/.test(text)) found.push(`${module}: calls kv`);
  }
  assert.deepEqual(found, []);
});

Deno.test("architecture - config.ts imports no module of the app: settings sit below everything that reads them", async () => {
  assert.deepEqual(await importsWhere((from) => from === "config.ts"), []);
});

Deno.test("architecture - lib/core imports no other concern of lib/", async () => {
  assert.deepEqual(await importsWhere((from, to) => from.startsWith("lib/core/") && !to.startsWith("lib/core/")), []);
});

Deno.test("architecture - lib/live imports nothing of lib/web", async () => {
  assert.deepEqual(await importsWhere((from, to) => from.startsWith("lib/live/") && to.startsWith("lib/web/")), []);
});

/** The longest module allowed in `routes/`, `components/`, `islands/` and `lib/` (tests aside). */
const MAX_LINES = 400;

/**
 * Modules over the limit that another branch is splitting now. Each must still
 * be over it (the test says when to drop one); the list is meant to empty.
 */
const SPLIT_PENDING = new Set<string>();

Deno.test(`architecture - no module of routes/, components/, islands/ or lib/ is over ${MAX_LINES} lines`, async () => {
  const over: string[] = [];
  const split: string[] = [];
  for (const module of (await sourceModules()).filter((m) => /^(routes|components|islands|lib)\//.test(m))) {
    const lines = (await Deno.readTextFile(`${ROOT}${module}`)).split("\n").length - 1;
    if (lines > MAX_LINES && !SPLIT_PENDING.has(module)) over.push(`${module}: ${lines} lines`);
    if (lines <= MAX_LINES && SPLIT_PENDING.has(module)) {
      split.push(`${module} (${lines} lines): drop it from SPLIT_PENDING`);
    }
  }
  assert.deepEqual(over, []);
  assert.deepEqual(split, []);
});

Deno.test("architecture - main.ts and server.ts reach sandbox/ only through app.ts's import() of sandbox/mode.ts", async () => {
  const edges = await importEdges();
  const gate = (from: string, to: string) => from === "app.ts" && to === "sandbox/mode.ts";
  assert.deepEqual(
    edges.get("app.ts")?.filter(({ to, kind }) => to === "sandbox/mode.ts" && kind !== "type").map(({ kind }) => kind),
    ["dynamic"],
    "app.ts loads sandbox/mode.ts with import(), never statically",
  );
  // Every module a production process can load: static and dynamic imports (a type import loads nothing), but the gate.
  const reached = new Set<string>();
  const next = ["main.ts", "server.ts"];
  while (next.length > 0) {
    const module = next.pop()!;
    if (reached.has(module)) continue;
    reached.add(module);
    for (const { to, kind } of edges.get(module) ?? []) if (kind !== "type" && !gate(module, to)) next.push(to);
  }
  assert.ok(reached.has("app.ts") && reached.has("routes/sandbox.ts"), "the walk reaches the app and its routes");
  assert.deepEqual([...reached].filter((module) => module.startsWith("sandbox/")), []);
});
