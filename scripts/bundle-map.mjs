// Bundle Égide's map (static/egide/map/*.js, ES modules) with its npm libraries into static/build (ignored by git).
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "src", "egide", "static", "egide", "map");
const target = join(root, "src", "egide", "static", "build");

await build({
  entryPoints: {
    map: join(source, "main.js"),
    "map-layout-worker": join(source, "layout-worker.js"),
  },
  outdir: target,
  bundle: true,
  format: "iife",
  target: "es2020",
  minify: process.env.EGIDE_MAP_DEBUG !== "1",
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
});
console.log(`bundled the map into ${target}`);
