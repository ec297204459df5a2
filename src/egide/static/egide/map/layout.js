// Where the actors go. Small maps: Cytoscape's fCoSE force layout (names taken into account, so they do not
// overlap), run before the first drawing. Large maps: drawn at once from seed positions, then laid out by
// ForceAtlas2 (graphology) in a web worker, so that the page never freezes. Dagre gives the layered layout.
// What is Égide's own: the seeds (each family of actors in its own cluster) and keeping known actors in place.

import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import dagre from 'cytoscape-dagre';

cytoscape.use(fcose);
cytoscape.use(dagre);

const FAMILY_ORDER = ['security_providers', 'management', 'supervisory', 'justice', 'public_information'];
const STRENGTH_WEIGHT = { weak: 0.75, moderate: 1, strong: 1.35 };
const SPACING = 34; // model units between neighbouring actors of a large map (their symbols are 5 to 18 wide)
const WORKER_BUDGET_MS = 4000;

function familyRank(code) {
  const i = FAMILY_ORDER.indexOf(code);
  return i < 0 ? FAMILY_ORDER.length : i;
}

/*
 * Seed positions: families on a ring, each a sunflower with its most connected actors in the middle; actors
 * already placed (`previous`, Map id -> [x, y]) stay, and new ones start beside their placed neighbours.
 */
export function seedPositions(data, previous) {
  const positions = new Map();
  const families = new Map();
  for (const node of data.nodes) {
    const key = node.family || '';
    if (!families.has(key)) families.set(key, []);
    families.get(key).push(String(node.id));
  }
  const keys = Array.from(families.keys()).sort((a, b) => familyRank(a) - familyRank(b) || (a < b ? -1 : 1));
  const ring = keys.length > 1 ? SPACING * (0.6 * Math.sqrt(data.nodes.length) + 2) : 0;
  const degree = (id) => data.degree.get(id) || 0;
  keys.forEach((key, f) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * f) / keys.length;
    const members = families.get(key).slice().sort((a, b) => degree(b) - degree(a));
    members.forEach((id, j) => {
      const r = 0.8 * SPACING * Math.sqrt(j + 0.5);
      const theta = j * 2.399963229728653; // the golden angle
      positions.set(id, [ring * Math.cos(angle) + r * Math.cos(theta), ring * Math.sin(angle) + r * Math.sin(theta)]);
    });
  });
  if (previous && previous.size) {
    for (const [id, position] of previous) if (positions.has(id)) positions.set(id, position);
    for (const node of data.nodes) {
      const id = String(node.id);
      if (previous.has(id)) continue;
      const near = [...(data.outgoing.get(id) || []).map((e) => String(e.target)),
        ...(data.incoming.get(id) || []).map((e) => String(e.source))].filter((other) => previous.has(other));
      if (near.length) {
        const x = near.reduce((sum, other) => sum + previous.get(other)[0], 0) / near.length;
        const y = near.reduce((sum, other) => sum + previous.get(other)[1], 0) / near.length;
        positions.set(id, [x + SPACING * (Math.random() - 0.5), y + SPACING * (Math.random() - 0.5)]);
      }
    }
  }
  return positions;
}

/* fCoSE on the drawn elements (small maps); `refine` starts from where they are instead of from scratch. */
export function forceLayout(cy, { refine = false } = {}) {
  return new Promise((resolve) => {
    const layout = cy.elements().layout({
      name: 'fcose',
      quality: 'default',
      randomize: !refine,
      animate: false,
      fit: false,
      nodeDimensionsIncludeLabels: true,
      packComponents: true,
      idealEdgeLength: (edge) => 55 / (STRENGTH_WEIGHT[edge.data('strength')] || 1),
      nodeRepulsion: () => 6000,
      nodeSeparation: 50,
      gravity: 0.3,
      numIter: refine ? 600 : 2500,
    });
    layout.one('layoutstop', () => resolve());
    layout.run();
  });
}

/* Layered layout (hierarchies read top-down), for the layered and grouped views to come. */
export function layeredLayout(cy) {
  return new Promise((resolve) => {
    const layout = cy.elements(':visible').layout({
      name: 'dagre', rankDir: 'TB', nodeSep: 30, rankSep: 80, animate: false, fit: true, padding: 30,
      nodeDimensionsIncludeLabels: true,
    });
    layout.one('layoutstop', () => resolve());
    layout.run();
  });
}

/*
 * ForceAtlas2 in a web worker (large maps). Resolves with Map id -> [x, y], or null if the worker failed or was
 * stopped (`job.stop()`); the positions are scaled so that neighbours sit about SPACING apart.
 */
export function workerLayout(workerUrl, data, seeds, { refine = false } = {}) {
  let worker = null;
  let finish = () => {};
  const promise = new Promise((resolve) => {
    finish = resolve;
    try {
      worker = new Worker(workerUrl);
    } catch (error) {
      resolve(null);
      return;
    }
    const ids = data.nodes.map((node) => String(node.id));
    const index = new Map(ids.map((id, i) => [id, i]));
    const xy = new Float64Array(ids.length * 2);
    ids.forEach((id, i) => {
      const p = seeds.get(id) || [0, 0];
      xy[2 * i] = p[0];
      xy[2 * i + 1] = p[1];
    });
    const edges = new Float64Array(data.edges.length * 3);
    data.edges.forEach((edge, i) => {
      edges[3 * i] = index.get(String(edge.source));
      edges[3 * i + 1] = index.get(String(edge.target));
      edges[3 * i + 2] = STRENGTH_WEIGHT[edge.strength] || 1;
    });
    worker.onmessage = (event) => {
      const out = event.data.positions;
      const positions = new Map(ids.map((id, i) => [id, [out[2 * i], out[2 * i + 1]]]));
      worker.terminate();
      resolve(scaleToSpacing(positions, data));
    };
    worker.onerror = () => {
      worker.terminate();
      resolve(null);
    };
    worker.postMessage({ xy, edges, budgetMs: refine ? WORKER_BUDGET_MS / 4 : WORKER_BUDGET_MS }, [xy.buffer, edges.buffer]);
  });
  return {
    promise,
    stop() {
      if (worker) worker.terminate();
      finish(null);
    },
  };
}

/* Scale positions so that the median relationship is SPACING * 1.5 long. */
function scaleToSpacing(positions, data) {
  const lengths = [];
  for (let i = 0; i < data.edges.length; i += Math.max(1, Math.floor(data.edges.length / 2000))) {
    const edge = data.edges[i];
    const a = positions.get(String(edge.source));
    const b = positions.get(String(edge.target));
    lengths.push(Math.hypot(a[0] - b[0], a[1] - b[1]));
  }
  lengths.sort((a, b) => a - b);
  const median = lengths.length ? lengths[Math.floor(lengths.length / 2)] : 0;
  const k = median > 0 ? (SPACING * 1.5) / median : 1;
  for (const [id, p] of positions) positions.set(id, [p[0] * k, p[1] * k]);
  return positions;
}
