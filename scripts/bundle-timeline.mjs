// Bundle Égide's country timeline (static/egide/timeline/main.js) with the parts of ECharts it uses.
import { bundle } from "./bundle.mjs";

await bundle({ timeline: "timeline/main.js" }, "the country timeline");
