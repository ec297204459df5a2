// Bundle Égide's map (static/egide/map/*.js, ES modules) and its layout worker with their npm libraries.
import { bundle } from "./bundle.mjs";

await bundle({ map: "map/main.js", "map-layout-worker": "map/layout-worker.js" }, "the map");
