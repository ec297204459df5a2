// Bundle Égide's country context charts (static/egide/context/main.js) with the parts of ECharts they use, the
// TopoJSON reader and the world's boundaries (world-atlas).
import { bundle } from "./bundle.mjs";

await bundle({ context: "context/main.js" }, "the country context charts");
