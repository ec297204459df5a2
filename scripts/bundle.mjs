// The one way Égide bundles its own scripts with their npm libraries into static/build (ignored by git):
// `bundle({ name: "file under static/egide" }, what)`. EGIDE_MAP_DEBUG=1 keeps the bundles unminified.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "src", "egide", "static", "egide");
const target = join(root, "src", "egide", "static", "build");

export async function bundle(entries, what) {
  await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(source, file)])),
    outdir: target,
    bundle: true,
    format: "iife",
    target: "es2020",
    minify: process.env.EGIDE_MAP_DEBUG !== "1",
    sourcemap: "linked",
    legalComments: "linked",
    logLevel: "warning",
  });
  console.log(`bundled ${what} into ${target}`);
}
