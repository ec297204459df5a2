// Bundle Égide's country timeline (static/egide/timeline/main.js) with the parts of ECharts it uses into
// static/build (ignored by git), as scripts/bundle-map.mjs does for the map.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

await build({
  entryPoints: { timeline: join(root, "src", "egide", "static", "egide", "timeline", "main.js") },
  outdir: join(root, "src", "egide", "static", "build"),
  bundle: true,
  format: "iife",
  target: "es2020",
  minify: process.env.EGIDE_MAP_DEBUG !== "1",
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
});
console.log("bundled the country timeline into static/build");
