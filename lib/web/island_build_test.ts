import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildIslandBundles, ensureIslandBundles } from "./island_build.ts";

const PROJECT = fileURLToPath(new URL("../../", import.meta.url));

/** A throw-away project: this repo's island sources and node_modules. */
async function tempProject(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "islands_build_" });
  await Deno.mkdir(join(root, "islands"));
  await Deno.mkdir(join(root, "lib", "web"), { recursive: true });
  await Deno.copyFile(
    join(PROJECT, "islands/countdown.tsx"),
    join(root, "islands/countdown.tsx"),
  );
  for (const file of ["island_boot.ts", "islands.ts"]) {
    await Deno.copyFile(join(PROJECT, "lib", "web", file), join(root, "lib", "web", file));
  }
  await Deno.symlink(join(PROJECT, "node_modules"), join(root, "node_modules"));
  return root;
}

Deno.test("islands - build produces hashed files, manifest and a single Preact copy", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "islands_out_" });
  try {
    const manifest = await buildIslandBundles({ outDir });
    assert.match(manifest.boot, /^boot-[A-Z0-9]{8}\.js$/);
    assert.match(manifest.islands.countdown, /^countdown-[A-Z0-9]{8}\.js$/);
    const onDisk = JSON.parse(
      await Deno.readTextFile(join(outDir, "manifest.json")),
    );
    assert.deepEqual(onDisk, manifest);

    let code = "";
    for (const file of Object.keys(manifest.imports)) {
      assert.match(file, /^[a-z_]+-[A-Z0-9]{8}\.js$/);
      code += await Deno.readTextFile(join(outDir, file));
    }
    // Preact's diff names the MathML namespace once per copy of Preact.
    assert.equal(code.split("http://www.w3.org/1998/Math/MathML").length, 2);
    const preactCopies = new Set(
      manifest.sources
        .filter((source) => source.includes("/node_modules/preact/"))
        .map((source) => source.split("/node_modules/preact/")[0]),
    );
    assert.deepEqual(preactCopies.size, 1);
    // The island and the boot script share Preact through a chunk.
    const shared = manifest.imports[manifest.boot].filter((file) =>
      manifest.imports[manifest.islands.countdown].includes(file)
    );
    assert.deepEqual(shared.length, 1);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("islands - ensureIslandBundles reuses a current build and rebuilds a stale one", async () => {
  const root = await tempProject();
  try {
    const first = await ensureIslandBundles({ root });
    const outDir = join(root, "static/islands");
    const bootPath = join(outDir, first.boot);
    const builtAt = (await Deno.stat(bootPath)).mtime;

    assert.deepEqual(await ensureIslandBundles({ root }), first);
    assert.deepEqual((await Deno.stat(bootPath)).mtime, builtAt);

    await Deno.remove(join(outDir, first.islands.countdown));
    assert.deepEqual(await ensureIslandBundles({ root }), first);
    await Deno.stat(join(outDir, first.islands.countdown));

    const island = join(root, "islands/countdown.tsx");
    await Deno.writeTextFile(island, 'console.log("changed");\n', {
      append: true,
    });
    const rebuilt = await ensureIslandBundles({ root });
    assert.notEqual(rebuilt.islands.countdown, first.islands.countdown);
    assert.notEqual(rebuilt.fingerprint, first.fingerprint);
    const files = [...Deno.readDirSync(outDir)].map((entry) => entry.name);
    assert(!files.includes(first.islands.countdown), "stale bundle removed");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
