// Copy the front-end libraries installed by npm into the package's static folder (ignored by git).
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "src", "egide", "static", "vendor");
const files = {
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
  "@picocss/pico/css/pico.min.css": "pico/pico.min.css",
  "@picocss/pico/LICENSE.md": "pico/LICENSE.md",
  "echarts/LICENSE": "echarts/LICENSE",
  "htmx.org/LICENSE": "htmx/LICENSE",
  // The accessibility checker the browser tests run on the main pages (no page of the product loads it).
  "axe-core/axe.min.js": "axe-core/axe.min.js",
  "axe-core/LICENSE": "axe-core/LICENSE",
};

rmSync(target, { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  const destination = join(target, to);
  mkdirSync(dirname(destination), { recursive: true });
  cpSync(join(root, "node_modules", from), destination);
}
console.log(`copied ${Object.keys(files).length} files to ${target}`);
