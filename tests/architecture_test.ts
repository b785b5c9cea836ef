/**
 * The layout's rules, checked on the real module graph (`deno info --json`
 * over every source module, `import type` included): no import cycle;
 * `lib/` imports nothing above it (routes, cron, tests, testing, sandbox,
 * app.ts); routes neither read KV nor import its keys, and import no other
 * route module but the shared `_env.ts` and the pages' `_shell.tsx`.
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

/** The graph: each source module's local imports (code and type), relative paths. */
async function importGraph(): Promise<Map<string, string[]>> {
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
    modules: { specifier: string; dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[] }[];
  };
  const local = (specifier: string) =>
    specifier.startsWith(`file://${ROOT}`) ? specifier.slice(`file://${ROOT}`.length) : null;
  const graph = new Map<string, string[]>();
  for (const module of info.modules) {
    const from = local(module.specifier);
    if (!from || !modules.includes(from)) continue;
    const to = (module.dependencies ?? []).flatMap((d) =>
      [d.code?.specifier, d.type?.specifier].flatMap((s) => (s && local(s)) ? [local(s)!] : [])
    );
    graph.set(from, [...new Set(to)]);
  }
  return graph;
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

Deno.test("architecture - imports run one way: lib/ imports nothing above it; routes import only _env and _shell", async () => {
  const graph = await importGraph();
  const wrong: string[] = [];
  for (const [from, tos] of graph) {
    for (const to of tos) {
      if (from.startsWith("lib/") && /^(routes|cron|tests|testing|sandbox|islands)\/|^(app|main)\.ts$/.test(to)) {
        wrong.push(`${from} → ${to}`);
      }
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
