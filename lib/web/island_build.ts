/**
 * Bundles `islands/*.tsx` and the boot script for the browser with esbuild:
 * ESM, code-split (one shared Preact chunk), minified, content-hashed, into
 * `static/islands/` with a `manifest.json`. esbuild runs a child process, so
 * callers need `--allow-run` (without it esbuild fails with the misleading
 * "Cannot read properties of undefined (reading 'unref')").
 */
import * as esbuild from "esbuild";
import { basename, join, relative } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { type IslandManifest, MANIFEST_FILE, readIslandManifest } from "./island_manifest.ts";

/** Where to build from and to; both default to this project. */
export interface IslandBuildOptions {
  /** Project root holding `islands/`, `lib/` and `node_modules/`. */
  root?: string;
  /** Output directory, default `<root>/static/islands`. */
  outDir?: string;
}

const PROJECT_ROOT = fromFileUrl(new URL("../../", import.meta.url));
const BOOT_NAMESPACE = "cartbrawl-island-boot";
const ISLAND_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Island names found in `<root>/islands`: every `name.tsx` except tests.
 * @example await islandNames() // ["countdown"]
 */
export async function islandNames(root = PROJECT_ROOT): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(join(root, "islands"))) {
    const name = entry.name.replace(/\.tsx$/, "");
    if (!entry.isFile || name === entry.name || name.endsWith("_test")) {
      continue;
    }
    if (!ISLAND_NAME.test(name)) {
      throw new Error(`island file names must be snake_case: ${entry.name}`);
    }
    names.push(name);
  }
  return names.sort();
}

/**
 * Builds the island bundles now and writes them with their manifest.
 * @example const manifest = await buildIslandBundles();
 */
export async function buildIslandBundles(
  options: IslandBuildOptions = {},
): Promise<IslandManifest> {
  const root = options.root ?? PROJECT_ROOT;
  const outDir = options.outDir ?? join(root, "static", "islands");
  const names = await islandNames(root);
  if ((await Deno.permissions.query({ name: "run" })).state !== "granted") {
    throw new Error("building island bundles runs esbuild: grant --allow-run");
  }
  await Deno.stat(join(root, "node_modules", "preact")).catch(() => {
    throw new Error(`${join(root, "node_modules", "preact")} is missing: run \`deno install\``);
  });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [
      { in: `${BOOT_NAMESPACE}:boot`, out: "boot" },
      ...names.map((name) => ({ in: `./islands/${name}.tsx`, out: name })),
    ],
    outdir: outDir,
    entryNames: "[name]-[hash]",
    chunkNames: "chunk-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    jsx: "automatic",
    jsxImportSource: "preact",
    define: { "process.env.NODE_ENV": '"production"' },
    metafile: true,
    write: false,
    logLevel: "silent",
    plugins: [bootEntryPlugin(root, names), singlePreactPlugin(root)],
  }).finally(() => esbuild.stop());

  await Deno.mkdir(outDir, { recursive: true });
  const written = new Set<string>();
  for (const file of result.outputFiles) {
    await writeAtomically(file.path, file.contents);
    written.add(basename(file.path));
  }
  const manifest = manifestFrom(result.metafile, names);
  manifest.sources.push(relative(root, fromFileUrl(import.meta.url)));
  manifest.fingerprint = await fingerprint(root, manifest.sources);
  await writeAtomically(
    join(outDir, MANIFEST_FILE),
    new TextEncoder().encode(JSON.stringify(manifest, null, 2) + "\n"),
  );
  for await (const entry of Deno.readDir(outDir)) {
    if (entry.name.endsWith(".js") && !written.has(entry.name)) {
      await Deno.remove(join(outDir, entry.name)).catch(() => {});
    }
  }
  return manifest;
}

/**
 * Builds the bundles unless `outDir` already holds a complete build of the
 * current sources; the server calls this once at start-up.
 * @example await ensureIslandBundles(); // before Deno.serve(app.fetch)
 */
export async function ensureIslandBundles(
  options: IslandBuildOptions = {},
): Promise<IslandManifest> {
  const root = options.root ?? PROJECT_ROOT;
  const outDir = options.outDir ?? join(root, "static", "islands");
  const manifest = await readIslandManifest(outDir);
  if (manifest && await isCurrent(manifest, root, outDir)) return manifest;
  return await buildIslandBundles({ root, outDir });
}

async function isCurrent(
  manifest: IslandManifest,
  root: string,
  outDir: string,
): Promise<boolean> {
  const names = await islandNames(root);
  if (names.join() !== Object.keys(manifest.islands).sort().join()) {
    return false;
  }
  try {
    for (const file of Object.keys(manifest.imports)) {
      await Deno.stat(join(outDir, file));
    }
    return await fingerprint(root, manifest.sources) === manifest.fingerprint;
  } catch {
    return false;
  }
}

/** The generated boot entry: the boot runtime plus a lazy loader per island. */
function bootEntryPlugin(root: string, names: string[]): esbuild.Plugin {
  const loaders = names.map((name) =>
    `${JSON.stringify(name)}: () => import(${JSON.stringify(`./islands/${name}.tsx`)})`
  );
  return {
    name: "island-boot-entry",
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${BOOT_NAMESPACE}:`) }, () => ({
        path: "boot",
        namespace: BOOT_NAMESPACE,
      }));
      build.onLoad({ filter: /.*/, namespace: BOOT_NAMESPACE }, () => ({
        contents: `import { bootIslands } from "./lib/web/island_boot.ts";\n` +
          `bootIslands({ ${loaders.join(", ")} });\n`,
        loader: "ts",
        resolveDir: root,
      }));
    },
  };
}

/** Resolves every `preact` import from the project root, so the output holds one Preact. */
function singlePreactPlugin(root: string): esbuild.Plugin {
  return {
    name: "single-preact",
    setup(build) {
      build.onResolve({ filter: /^preact(\/.*)?$/ }, (args) => {
        if (args.pluginData === "pinned") return undefined;
        return build.resolve(args.path, {
          kind: args.kind,
          resolveDir: root,
          pluginData: "pinned",
        });
      });
    },
  };
}

function manifestFrom(
  metafile: esbuild.Metafile,
  names: string[],
): IslandManifest {
  const manifest: IslandManifest = {
    boot: "",
    islands: {},
    imports: {},
    fingerprint: "",
    sources: [],
  };
  const sources = new Set<string>();
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if (!path.endsWith(".js")) continue;
    const file = basename(path);
    manifest.imports[file] = output.imports
      .filter((imported) => imported.kind === "import-statement")
      .map((imported) => basename(imported.path));
    const entry = output.entryPoint;
    if (entry === `${BOOT_NAMESPACE}:boot`) manifest.boot = file;
    const island = names.find((name) => entry === `islands/${name}.tsx`);
    if (island) manifest.islands[island] = file;
    for (const input of Object.keys(output.inputs)) {
      if (!input.startsWith(`${BOOT_NAMESPACE}:`)) sources.add(input);
    }
  }
  manifest.sources = [...sources].sort();
  return manifest;
}

async function fingerprint(root: string, sources: string[]): Promise<string> {
  const parts: Uint8Array[] = [new TextEncoder().encode(esbuild.version)];
  for (const source of sources) {
    parts.push(new TextEncoder().encode(`\0${source}\0`));
    parts.push(await Deno.readFile(join(root, source)));
  }
  const all = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  const digest = await crypto.subtle.digest("SHA-256", all);
  return [...new Uint8Array(digest)]
    .map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function writeAtomically(path: string, contents: Uint8Array) {
  const temporary = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeFile(temporary, contents);
  await Deno.rename(temporary, path);
}

// `deno task build`: builds the island bundles into `static/islands/`.
if (import.meta.main) {
  const manifest = await buildIslandBundles();
  console.log(
    `built boot ${manifest.boot} and ${Object.keys(manifest.islands).length} island(s) into static/islands/`,
  );
}
