// Where the actors go. Small maps: Cytoscape's fCoSE force layout (names taken into account, so they do not
// overlap), run before the first drawing. Large maps: drawn at once from seed positions, then laid out by
// ForceAtlas2 (graphology) in a web worker, so that the page never freezes. Dagre gives the layers of authority,
// fCoSE with compound nodes the grouping by family (small maps only).
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

// The links by which one actor stands above another (as in the command tree): the source of "commands" and
// "administers" is above the target, and a parent above its parts.
const CHAIN_TYPES = new Set(['commands', 'administers']);
// Beside the layers of authority, the bodies in no chain, one column per family, oversight first.
const SIDE_ORDER = ['supervisory', 'justice', 'public_information', 'management', 'security_providers'];
const LINK_CLASS = 'layout-link';

/* The chain links of the map that Cytoscape shows, each as [upper id, lower id]. */
export function chainLinks(data, shown) {
  const links = [];
  for (const edge of data.edges) {
    const s = String(edge.source);
    const t = String(edge.target);
    if (s === t || !shown.has(s) || !shown.has(t)) continue;
    if (CHAIN_TYPES.has(edge.type)) links.push([s, t]);
  }
  for (const node of data.nodes) {
    const id = String(node.id);
    const parent = node.parent == null ? null : String(node.parent);
    if (parent && parent !== id && shown.has(id) && shown.has(parent)) links.push([parent, id]);
  }
  return links;
}

/*
 * Layers of authority (dagre, top-down): the executive on top, then the ministries, then the forces, along the
 * chains of command and administration; the actors in no chain stand beside, one column per family (oversight
 * bodies first). Dagre reads temporary links, drawn nowhere, in the direction of authority.
 */
export function layeredLayout(cy, data) {
  const actors = cy.nodes().not('.family-group').not('.filtered');
  const shown = new Set(actors.map((node) => node.id()));
  const links = chainLinks(data, shown);
  const inChain = new Set(links.flat());
  const temporary = cy.add(links.map(([upper, lower], i) => ({
    group: 'edges', data: { id: `layout-link-${i}`, source: upper, target: lower }, classes: LINK_CLASS,
  })));
  const chained = actors.filter((node) => inChain.has(node.id()));
  return new Promise((resolve) => {
    const finish = () => {
      if (chained.length) packChains(cy, data, chained.union(temporary).components());
      cy.remove(temporary);
      placeBeside(cy, actors.filter((node) => !inChain.has(node.id())), chained);
      resolve();
    };
    if (!chained.length) {
      finish();
      return;
    }
    const layout = chained.union(temporary).layout({
      name: 'dagre', rankDir: 'TB', nodeSep: 24, rankSep: 70, edgeSep: 8, ranker: 'network-simplex',
      animate: false, fit: false, nodeDimensionsIncludeLabels: true,
    });
    layout.one('layoutstop', finish);
    layout.run();
  });
}

const EXECUTIVE_KINDS = new Set(['head_of_state', 'government']);
const GAP = 60;

/*
 * Dagre puts unconnected chains side by side in one long row; shelve them instead, in rows about as wide as the
 * frame's shape asks, the chain of the executive first, then the largest.
 */
function packChains(cy, data, components) {
  const chains = components.map((component) => {
    const nodes = component.nodes();
    const executive = nodes.some((node) => {
      const actor = data.nodesById.get(node.id());
      return Boolean(actor && EXECUTIVE_KINDS.has(actor.kind));
    });
    return { nodes, box: nodes.boundingBox({ includeLabels: true }), executive };
  });
  chains.sort((a, b) => (b.executive - a.executive) || (b.nodes.length - a.nodes.length));
  const area = chains.reduce((sum, chain) => sum + (chain.box.w + GAP) * (chain.box.h + GAP), 0);
  const aspect = Math.max(0.5, Math.min(2.5, (cy.width() || 800) / (cy.height() || 600)));
  const width = Math.max(...chains.map((chain) => chain.box.w), Math.sqrt(area * aspect));
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const chain of chains) {
    if (x > 0 && x + chain.box.w > width) {
      x = 0;
      y += rowHeight + GAP;
      rowHeight = 0;
    }
    const dx = x - chain.box.x1;
    const dy = y - chain.box.y1;
    chain.nodes.positions((node) => ({ x: node.position('x') + dx, y: node.position('y') + dy }));
    x += chain.box.w + GAP;
    rowHeight = Math.max(rowHeight, chain.box.h);
  }
}

/* The actors in no chain, in columns by family to the right of the layers. */
function placeBeside(cy, loose, chained) {
  if (!loose.length) return;
  const box = chained.length ? chained.boundingBox({ includeLabels: true }) : { x2: 0, y1: 0, y2: 0 };
  const columns = new Map();
  loose.forEach((node) => {
    const family = Array.from(node.classes()).find((c) => c.startsWith('f-')) || 'f-';
    if (!columns.has(family)) columns.set(family, []);
    columns.get(family).push(node);
  });
  const rank = (key) => {
    const i = SIDE_ORDER.indexOf(key.slice(2));
    return i < 0 ? SIDE_ORDER.length : i;
  };
  const keys = Array.from(columns.keys()).sort((a, b) => rank(a) - rank(b));
  let x = box.x2 + 110;
  // Columns no taller than the layers (at least a few actors each), each actor below the previous one's name.
  const limit = Math.max((box.y2 - box.y1) || 0, 360);
  for (const key of keys) {
    const members = columns.get(key).sort((a, b) => String(a.data('label')).localeCompare(String(b.data('label'))));
    let y = box.y1 + 20;
    let widest = 0;
    for (const node of members) {
      const size = node.boundingBox({ includeLabels: true });
      if (y > box.y1 + 20 && y + size.h > box.y1 + 20 + limit) {
        x += widest + 30;
        y = box.y1 + 20;
        widest = 0;
      }
      node.position({ x: x + size.w / 2, y: y + node.height() / 2 });
      y += size.h + 14;
      widest = Math.max(widest, size.w);
    }
    x += widest + 50;
  }
}

/* Grouped by family: each family a compound node (added by the view), laid out by fCoSE with the names. */
export function groupedLayout(cy) {
  return new Promise((resolve) => {
    const layout = cy.elements().not('.filtered').layout({
      name: 'fcose',
      quality: 'default',
      randomize: true,
      animate: false,
      fit: false,
      nodeDimensionsIncludeLabels: true,
      packComponents: true,
      // Short links inside a family's box, long and loose ones between boxes, so that each box stays compact.
      idealEdgeLength: (edge) => (edge.source().parent().same(edge.target().parent()) ? 45 : 110),
      edgeElasticity: (edge) => (edge.source().parent().same(edge.target().parent()) ? 0.45 : 0.08),
      nodeRepulsion: () => 4500,
      nodeSeparation: 50,
      nestingFactor: 0.1,
      gravity: 0.4,
      gravityCompound: 1.5,
      gravityRangeCompound: 1.2,
      tile: true,
      tilingPaddingVertical: 14,
      tilingPaddingHorizontal: 14,
      numIter: 2500,
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
