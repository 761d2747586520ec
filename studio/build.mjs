// Builds the studio into dist/ (embedded in the tally binary by src/serve/studio.rs).
// `node build.mjs --check` builds in memory and fails when dist/ differs from the sources:
// CI runs it so that the embedded build always matches them.
import { build } from "esbuild";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const check = process.argv.includes("--check");

const result = await build({
  entryPoints: [join(here, "src/main.js"), join(here, "src/studio.css")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none",
  charset: "utf8",
  write: false,
  outdir: join(here, "dist"),
  entryNames: "[name]",
  logLevel: "warning",
});

const outputs = new Map();
for (const file of result.outputFiles) {
  const name = file.path.endsWith(".css") ? "studio.css" : "studio.js";
  outputs.set(name, file.text);
}
outputs.set("index.html", readFileSync(join(here, "src/index.html"), "utf8"));

let stale = [];
for (const [name, text] of outputs) {
  const path = join(here, "dist", name);
  if (check) {
    let old = null;
    try { old = readFileSync(path, "utf8"); } catch { /* missing */ }
    if (old !== text) stale.push(name);
  } else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}
if (check) {
  if (stale.length) {
    console.error(`studio/dist is not the build of studio/src: ${stale.join(", ")} differ; run \`npm run build\` in studio/ and commit dist/`);
    process.exit(1);
  }
  console.log("studio/dist matches the sources");
} else {
  console.log(`built ${[...outputs.keys()].map((n) => "dist/" + n).join(", ")}`);
}
