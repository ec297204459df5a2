// Bundle Égide's country context charts (static/egide/context/main.js) with the parts of ECharts they use, the
// TopoJSON reader and the world's boundaries into static/build (ignored by git), as bundle-timeline.mjs does.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

await build({
  entryPoints: { context: join(root, "src", "egide", "static", "egide", "context", "main.js") },
  outdir: join(root, "src", "egide", "static", "build"),
  bundle: true,
  format: "iife",
  target: "es2020",
  minify: process.env.EGIDE_MAP_DEBUG !== "1",
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
});
console.log("bundled the country context charts into static/build");
