// Web worker: ForceAtlas2 (graphology) on a large map, within a time budget, off the page's thread.
// In: {xy: Float64Array [x0, y0, x1, y1...], edges: Float64Array [source, target, weight...], budgetMs}.
// Out: {positions: Float64Array like xy}.

import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';

const STEP = 10; // iterations between two looks at the clock
const MAX_ITERATIONS = 500;

self.onmessage = (event) => {
  const { xy, edges, budgetMs } = event.data;
  const started = performance.now();
  const graph = new Graph({ type: 'directed', multi: true, allowSelfLoops: false });
  const n = xy.length / 2;
  for (let i = 0; i < n; i++) graph.addNode(i, { x: xy[2 * i], y: xy[2 * i + 1] });
  for (let e = 0; e < edges.length; e += 3) {
    if (edges[e] !== edges[e + 1]) graph.addEdge(edges[e], edges[e + 1], { weight: edges[e + 2] });
  }
  const settings = {
    ...forceAtlas2.inferSettings(graph),
    barnesHutOptimize: n > 300,
    gravity: 1,
    strongGravityMode: false,
    adjustSizes: false,
    edgeWeightInfluence: 1,
  };
  let done = 0;
  while (done < MAX_ITERATIONS && performance.now() - started < budgetMs) {
    forceAtlas2.assign(graph, { iterations: STEP, settings, getEdgeWeight: 'weight' });
    done += STEP;
  }
  const positions = new Float64Array(n * 2);
  graph.forEachNode((key, attributes) => {
    positions[2 * key] = attributes.x;
    positions[2 * key + 1] = attributes.y;
  });
  self.postMessage({ positions, iterations: done }, [positions.buffer]);
};
