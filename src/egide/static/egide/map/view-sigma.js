// The map drawn by sigma.js (WebGL) from a graphology graph: large maps (thousands of actors), which Cytoscape
// cannot draw at interactive speed (benchmarks/RESULTS.md). Sigma places the names itself, one per grid cell, so
// they never overlap; the most connected actors are named first.

import Graph from 'graphology';
import Sigma from 'sigma';
import { shortLabel } from './data.js';
import { nodeSize, STRENGTH_WIDTH } from './style.js';
import { nodeShapeProgram } from './sigma-node-program.js';
import { EdgeArrowFlatProgram } from './sigma-flat.js';

const EDGE_ALPHA = { weak: 0.3, moderate: 0.45, strong: 0.7 };
const ENDED_ALPHA = 0.18;
const FADED_ALPHA = 0.08;
const EDGE_EVENTS_RATIO = 0.25; // relationships tell what they are under the pointer from this zoom (4×) on

function rgb(color) {
  const hex = String(color).trim().replace('#', '');
  if (/^[0-9a-f]{6}$/i.test(hex)) return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  if (/^[0-9a-f]{3}$/i.test(hex)) return [0, 1, 2].map((i) => parseInt(hex[i] + hex[i], 16));
  const m = String(color).match(/(\d+)\D+(\d+)\D+(\d+)/);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [128, 128, 128];
}

/* A colour seen through opacity `alpha` over the background (WebGL draws opaque colours fastest). */
function blend(color, background, alpha) {
  const [r, g, b] = rgb(color);
  const [R, G, B] = rgb(background);
  const mix = (a, z) => Math.round(a * alpha + z * (1 - alpha));
  return `rgb(${mix(r, R)}, ${mix(g, G)}, ${mix(b, B)})`;
}

function sameSet(a, b) {
  if (a === b) return true;
  if (!a || !b || a.size !== b.size) return false;
  for (const item of a) if (!b.has(item)) return false;
  return true;
}

function sameMarks(a, b) {
  const sameLit = a.lit === b.lit || Boolean(a.lit && b.lit && sameSet(a.lit.nodes, b.lit.nodes) && sameSet(a.lit.edges, b.lit.edges));
  return a.selected === b.selected && sameLit && sameSet(a.matches, b.matches);
}

export class SigmaView {
  constructor(container, handlers) {
    this.container = container;
    this.handlers = handlers;
    this.renderer = null;
    this.graph = null;
    this.visible = { nodes: new Set(), edges: new Set() };
    this.marks = { selected: null, lit: null, matches: new Set() };
  }

  show({ data, positions, visible, colors }) {
    this.destroy();
    this.colors = colors;
    this.visible = visible;
    const graph = new Graph({ type: 'directed', multi: true, allowSelfLoops: false });
    for (const node of data.nodes) {
      const id = String(node.id);
      const p = positions.get(id) || [0, 0];
      const degree = data.degree.get(id) || 0;
      const color = colors.family(node.family);
      const size = nodeSize(degree, true) / 3 + 1;
      graph.addNode(id, {
        x: p[0],
        y: -p[1], // sigma's y axis points up
        // A diamond's corners touch the disc it replaces: drawn a quarter larger, as in the Cytoscape view.
        size: node.statutory === false ? size * 1.25 : size,
        label: shortLabel(node),
        color,
        faded: blend(color, colors.background, 0.25),
        shape: node.statutory === false ? 'diamond' : 'disc',
        ring: Boolean(node.legitimacy_disputed),
      });
    }
    for (const edge of data.edges) {
      if (edge.source === edge.target) continue;
      const color = colors.type(edge.type);
      const alpha = edge.ongoing === false ? ENDED_ALPHA : (EDGE_ALPHA[edge.strength] || EDGE_ALPHA.moderate);
      graph.addDirectedEdgeWithKey(String(edge.id), String(edge.source), String(edge.target), {
        size: (STRENGTH_WIDTH[edge.strength] || STRENGTH_WIDTH.moderate) * 0.45,
        color: blend(color, colors.background, alpha),
        full: color,
        faded: blend(color, colors.background, FADED_ALPHA),
      });
    }
    this.graph = graph;
    this.renderer = new Sigma(graph, this.container, {
      // Sigma's arrows and shapes, drawn without instancing (sigma-flat.js): cheap on a software renderer too.
      defaultEdgeType: 'arrow',
      edgeProgramClasses: { arrow: EdgeArrowFlatProgram },
      // Discs, diamonds (non-statutory actors) and dashed rings (legitimacy disputed), as in the Cytoscape view.
      defaultNodeType: 'shape',
      nodeProgramClasses: { shape: nodeShapeProgram(rgb(colors.disputed)) },
      renderEdgeLabels: false,
      // Hovering relationships costs a picking pass per frame: only once zoomed in (see show()).
      enableEdgeEvents: false,
      // While the view moves only the actors are drawn; relationships and names come back when it stops.
      hideEdgesOnMove: true,
      hideLabelsOnMove: true,
      zIndex: true,
      labelFont: colors.fontFamily,
      labelSize: 11,
      labelColor: { color: colors.text },
      labelDensity: 0.6,
      labelGridCellSize: 90,
      labelRenderedSizeThreshold: 5,
      minCameraRatio: 0.03,
      maxCameraRatio: 2,
      stagePadding: 24,
      nodeReducer: (id, attributes) => this.nodeLook(id, attributes),
      edgeReducer: (id, attributes) => this.edgeLook(id, attributes),
    });
    // While the map is dragged nothing is hovered: sigma would otherwise read the picking layer back from the
    // graphics processor at every pointer move, which waits for the frame being drawn (software WebGL above all).
    const renderer = this.renderer;
    const pick = renderer.getNodeAtPosition.bind(renderer);
    renderer.getNodeAtPosition = (position) => (renderer.getMouseCaptor().isMouseDown ? null : pick(position));
    // When a drag ends sigma calls refresh() without options, only to draw again the relationships and names
    // hidden while the view moved; a refresh also runs the reducers over every actor and relationship and sends
    // them all to the graphics processor again. Drawing is enough: nothing but the camera changed. (Every other
    // refresh, the view's own and sigma's after a change of the graph, passes options.)
    const refresh = renderer.refresh.bind(renderer);
    renderer.refresh = (options) => (options === undefined ? renderer.render() : refresh(options));
    const { onNodeClick, onNodeHover, onEdgeHover, onLeave, onViewport } = this.handlers;
    this.renderer.on('clickNode', ({ node }) => onNodeClick(node));
    this.renderer.on('enterNode', ({ node, event }) => onNodeHover(node, event));
    this.renderer.on('enterEdge', ({ edge, event }) => onEdgeHover(edge, event));
    this.renderer.on('leaveNode', () => onLeave());
    this.renderer.on('leaveEdge', () => onLeave());
    const camera = this.renderer.getCamera();
    camera.on('updated', (state) => {
      const zoomedIn = state.ratio < EDGE_EVENTS_RATIO;
      if (this.renderer.getSetting('enableEdgeEvents') !== zoomedIn) this.renderer.setSetting('enableEdgeEvents', zoomedIn);
      onViewport();
    });
  }

  nodeLook(id, attributes) {
    const look = { ...attributes };
    const { selected, lit, matches } = this.marks;
    if (!this.visible.nodes.has(id)) look.hidden = true;
    if (lit && !lit.nodes.has(id)) {
      look.color = attributes.faded;
      look.label = null;
    }
    if (lit && lit.nodes.has(id)) {
      look.size = attributes.size * 1.6;
      look.forceLabel = true;
      look.zIndex = 1;
    }
    if (matches.has(id)) look.forceLabel = true;
    if (id === selected) {
      look.highlighted = true;
      look.forceLabel = true;
      look.size = attributes.size * 1.8;
      look.zIndex = 2;
    }
    return look;
  }

  edgeLook(id, attributes) {
    const look = { ...attributes };
    const { selected, lit } = this.marks;
    if (!this.visible.edges.has(id)) look.hidden = true;
    if (lit) {
      if (lit.edges.has(id)) {
        look.color = attributes.full;
        look.size = attributes.size * 2 + 1;
        look.zIndex = 1;
      } else {
        look.color = attributes.faded;
      }
    }
    if (selected != null) {
      const [source, target] = this.graph.extremities(id);
      if (source === selected || target === selected) {
        look.color = attributes.full;
        look.zIndex = 2;
      }
    }
    return look;
  }

  async layout() {
    // Large maps are laid out in a web worker by the caller (layout.js): nothing to do here.
  }

  positions() {
    const positions = new Map();
    this.graph.forEachNode((id, attributes) => positions.set(id, [attributes.x, -attributes.y]));
    return positions;
  }

  setPositions(positions) {
    this.graph.updateEachNodeAttributes((id, attributes) => {
      const p = positions.get(id);
      return p ? { ...attributes, x: p[0], y: -p[1] } : attributes;
    });
  }

  setVisible(visible) {
    this.visible = visible;
    this.renderer.refresh({ skipIndexation: true });
  }

  setMarks({ selected, lit, matches }) {
    const marks = { selected, lit, matches: new Set(matches) };
    // Drawn again only for a change: each drawing of a large map is long on a software renderer.
    if (sameMarks(this.marks, marks)) return;
    this.marks = marks;
    this.renderer.refresh({ skipIndexation: true });
  }

  fit() {
    this.renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
  }

  /* Centre the view on an actor, zoomed in at least to `zoom` (sigma's camera ratio is the inverse of a zoom). */
  center(id, zoom = 4) {
    const display = this.renderer.getNodeDisplayData(id);
    if (!display) return;
    const camera = this.renderer.getCamera();
    camera.setState({ x: display.x, y: display.y, ratio: Math.min(camera.getState().ratio, 1 / zoom) });
  }

  frame(ids, most = 6) {
    const points = Array.from(ids, (id) => this.renderer.getNodeDisplayData(id)).filter(Boolean);
    if (!points.length) return;
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const span = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
    this.renderer.getCamera().setState({
      x: (Math.max(...xs) + Math.min(...xs)) / 2,
      y: (Math.max(...ys) + Math.min(...ys)) / 2,
      ratio: Math.min(1, Math.max(1 / most, span * 1.4)),
    });
  }

  nodePosition(id) {
    if (!this.graph.hasNode(id)) return null;
    const attributes = this.graph.getNodeAttributes(id);
    return this.renderer.graphToViewport({ x: attributes.x, y: attributes.y });
  }

  resize() {
    this.renderer.resize();
  }

  destroy() {
    if (this.renderer) this.renderer.kill();
    this.renderer = null;
    this.graph = null;
  }
}
