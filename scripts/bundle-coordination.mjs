// Bundle Égide's Coordination tab charts (static/egide/coordination/main.js) with the parts of ECharts they use.
import { bundle } from "./bundle.mjs";

await bundle({ coordination: "coordination/main.js" }, "the coordination charts");
