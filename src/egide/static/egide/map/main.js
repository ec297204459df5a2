/*
 * Égide: the interactive map of a country's security system (markup: actors/_map.html; look: egide/map.css).
 * Bundled by `npm run build` (esbuild) into static/build/map.js; no inline code, no eval (strict CSP).
 *
 * Cytoscape.js draws and hit-tests; layout.js places the actors. What is Égide's own lives in the modules beside
 * this one: data.js (loading), filters.js (the legend), search.js, card.js, tooltip.js, strings.js, dom.js.
 *
 * - highlight(nodeIds, edgeIds) brings out some actors and relationships (a governance finding, governance.js)
 *   and fades the rest; kept when the data is reloaded, until clearHighlight().
 * - The layout (layout.js: network, layers of authority, grouped by family) is the one the reader chose last; the
 *   day (time.js) filters the relationships on the server, as the governance analysis does.
 * - Hooks for tests: #map[data-ready|data-state|data-layout|data-layout-name|data-as-of|data-node-count|
 *   data-edge-count|data-large|data-highlight-nodes|data-highlight-edges], window.egideMap.
 */

import { el, debounce } from './dom.js';
import { strings } from './strings.js';
import { fetchMap, indexMap } from './data.js';
import { bindFilters, readFilters, reveal } from './filters.js';
import { bindSearch } from './search.js';
import { cardContent } from './card.js';
import { nodeTip, edgeTip, showTip, hideTip } from './tooltip.js';
import { readColors } from './style.js';
import { seedPositions, workerLayout } from './layout.js';
import { CytoscapeView } from './view-cytoscape.js';
import { DateControl, savePreferences } from './time.js';
import { SigmaView } from './view-sigma.js';

// Beyond this many actors or relationships the map is "large": drawn with WebGL (sigma.js) and laid out in a
// worker; below, Cytoscape.js draws it with shapes, dash patterns and every name.
const LARGE_NODES = 400;
const LARGE_EDGES = 1200;
const FOCUS_ZOOM_LARGE = 4; // zoom used to show an actor found on a large map
const HIGHLIGHT_ZOOM_MAX = { small: 1.6, large: 8 };
const LAYOUTS = ['force', 'layered', 'grouped'];

class EgideMap {
  constructor(root) {
    this.root = root;
    this.canvas = root.querySelector('#map-canvas');
    this.card = root.querySelector('#map-card');
    this.cardTitle = root.querySelector('#map-card-title');
    this.cardBody = root.querySelector('#map-card-body');
    this.status = root.querySelector('#map-status');
    this.statusText = root.querySelector('#map-status-text');
    this.retry = root.querySelector('#map-retry');
    this.note = root.querySelector('#map-note');
    this.counts = root.querySelector('#map-counts');
    this.text = strings(root.querySelector('#map-strings'));
    this.url = root.dataset.mapUrl;
    this.layoutName = root.dataset.layoutChoice || 'force';
    this.layoutSelect = root.querySelector('#map-layout');
    this.layoutNote = root.querySelector('#map-layout-note');
    this.dateControl = new DateControl(root, this.text, (day) => this.setDay(day));
    this.workerUrl = root.dataset.layoutWorker;
    this.actorUrlTemplate = root.dataset.actorUrlTemplate || '';
    this.tip = el('div', { className: 'map-tooltip', hidden: true, 'aria-hidden': 'true' });
    this.canvas.parentNode.appendChild(this.tip);

    this.data = null;
    this.view = null;
    this.visible = null;
    this.matches = [];
    this.large = false;
    this.positions = new Map(); // id -> [x, y], kept across reloads
    this.selectedId = null;
    this.highlighted = null; // {nodes: Set, edges: Set} of ids (strings), kept across reloads
    this.frameHighlight = false;
    this.returnFocus = null;
    this.controller = null;
    this.job = null; // the layout running in the worker
    this.bind();
    this.load();
  }

  // ------------------------------------------------------------------------------------------ events

  bind() {
    const root = this.root;
    bindFilters(root, () => this.applyFilters({ fit: true }));
    root.querySelector('#map-fit').addEventListener('click', () => this.fit());
    this.layoutSelect.addEventListener('change', () => {
      this.layout(this.layoutSelect.value);
      savePreferences(root, { layout: this.layoutSelect.value });
    });
    this.retry.addEventListener('click', () => this.load());
    root.querySelector('#map-card-close').addEventListener('click', () => this.closeCard());
    this.onKey = (event) => {
      // Escape closes the card, unless it is meant for the search box or another field.
      if (event.key !== 'Escape' || this.card.hidden || event.defaultPrevented) return;
      const active = document.activeElement;
      const inField = active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName) && !this.card.contains(active);
      if (inField || (active && active !== document.body && !root.contains(active))) return;
      event.preventDefault();
      this.closeCard();
    };
    document.addEventListener('keydown', this.onKey);
    this.card.addEventListener('click', (event) => {
      const button = event.target.closest('[data-node-id]');
      if (button && this.card.contains(button)) {
        event.preventDefault();
        this.focusNode(button.getAttribute('data-node-id'));
      }
    });
    this.search = bindSearch(root, {
      data: () => this.data,
      text: this.text,
      isShown: (node) => readFilters(root).family(node.family),
      onMatches: (nodes) => this.markMatches(nodes),
      choose: (id) => this.focusNode(id),
    });
    if (window.ResizeObserver) {
      this.resizeObserver = new ResizeObserver(() => { if (this.view && this.data) this.view.resize(); });
      this.resizeObserver.observe(this.canvas);
    }
    // Light or dark theme (the system's, or Pico's data-theme attribute): colours are read again.
    const onScheme = () => { if (this.data) this.draw(); };
    if (window.matchMedia) window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', onScheme);
    this.themeObserver = new MutationObserver(onScheme);
    this.themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    // Reload after an actor or a relationship was created, edited or deleted (sent by HTMX).
    this.onChanged = debounce(() => {
      if (!document.body.contains(root)) this.destroy();
      else this.load({ quiet: true });
    }, 150);
    document.body.addEventListener('egide:changed', this.onChanged);
  }

  destroy() {
    document.body.removeEventListener('egide:changed', this.onChanged);
    document.removeEventListener('keydown', this.onKey);
    this.search.destroy();
    if (this.resizeObserver) this.resizeObserver.disconnect();
    this.themeObserver.disconnect();
    if (this.job) this.job.stop();
    if (this.controller) this.controller.abort();
    if (this.view) this.view.destroy();
  }

  // ------------------------------------------------------------------------------------------ loading

  setState(state) {
    this.root.dataset.state = state;
    this.root.dataset.ready = state === 'ready' || state === 'empty' ? 'true' : 'false';
    this.root.setAttribute('aria-busy', state === 'loading' ? 'true' : 'false');
  }

  showStatus(kind, message) {
    this.status.hidden = !kind;
    if (!kind) {
      this.statusText.removeAttribute('aria-busy');
      return;
    }
    this.status.classList.toggle('is-error', kind === 'error');
    this.statusText.textContent = message;
    if (kind === 'loading') this.statusText.setAttribute('aria-busy', 'true');
    else this.statusText.removeAttribute('aria-busy');
    this.retry.hidden = kind !== 'error';
  }

  async load({ quiet = false } = {}) {
    quiet = quiet && Boolean(this.data);
    if (this.controller) this.controller.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.setState('loading');
    if (!quiet) this.showStatus('loading', this.text('loading'));
    try {
      const payload = await fetchMap(this.dateControl.address(this.url), controller.signal);
      if (controller !== this.controller) return;
      performance.mark('egide-map:data');
      const data = indexMap(payload);
      const sameShape = this.data && data.shape === this.data.shape;
      this.data = data;
      this.large = data.nodes.length > LARGE_NODES || data.edges.length > LARGE_EDGES;
      this.dateControl.update(data);
      await this.draw({ fit: !quiet, layout: !sameShape, refine: quiet && this.positions.size > 0 });
      this.search.refresh();
    } catch (error) {
      if (error && error.name === 'AbortError') return;
      if (controller !== this.controller) return;
      console.error('Égide map:', error);
      this.setState('error');
      this.showStatus('error', this.text('error'));
    }
  }

  // ------------------------------------------------------------------------------------------ drawing

  /* (Re)build the drawing from this.data; `layout` places the actors again (keeping known ones). */
  async draw({ fit = false, layout = false, refine = false } = {}) {
    const large = this.large;
    if (this.job) {
      this.job.stop();
      this.job = null;
    }
    const positions = layout ? seedPositions(this.data, refine ? this.positions : null) : this.positions;
    const View = large ? SigmaView : CytoscapeView;
    if (!(this.view instanceof View)) {
      if (this.view) this.view.destroy();
      this.view = new View(this.canvas, this.viewHandlers());
    }
    performance.mark('egide-map:drawing');
    this.visible = this.visibility();
    this.view.show({
      data: this.data, positions, visible: this.visible, colors: readColors(this.root), codes: this.codes(),
    });
    if (layout && !large) await this.view.layout({ refine: refine && this.layoutName === 'force', name: this.layoutName });
    this.positions = this.view.positions();
    if (layout && large) this.startWorkerLayout(positions, refine);
    this.afterDraw({ fit });
    performance.mark('egide-map:drawn');
  }

  viewHandlers() {
    return {
      onNodeClick: (id) => this.selectNode(id, { fromClick: true }),
      onNodeHover: (id, at) => this.tipAt(nodeTip(this.data.nodesById.get(id), this.data, this.text), at),
      onEdgeHover: (id, at) => {
        const edge = this.data.edgesById.get(id);
        if (edge) this.tipAt(edgeTip(edge, this.data, this.text), at);
      },
      onLeave: () => hideTip(this.tip),
      onViewport: () => hideTip(this.tip),
    };
  }

  tipAt(content, position) {
    if (position) showTip(this.tip, content, position.x, position.y);
  }

  startWorkerLayout(seeds, refine) {
    if (!this.workerUrl) return;
    const job = workerLayout(this.workerUrl, this.data, seeds, { refine });
    this.job = job;
    this.root.dataset.layout = 'running';
    job.promise.then((positions) => {
      if (this.job !== job) return;
      this.job = null;
      this.root.dataset.layout = 'done';
      if (!positions) return;
      this.view.setPositions(positions);
      this.positions = positions;
      this.view.fit();
      const lit = this.highlightState();
      if (lit && lit.nodes.size) this.view.frame(lit.nodes, HIGHLIGHT_ZOOM_MAX.large);
      if (this.selectedId) this.view.center(this.selectedId, FOCUS_ZOOM_LARGE);
    });
  }

  afterDraw({ fit }) {
    if (!this.job) this.root.dataset.layout = 'done';
    this.applyMarks();
    if (fit) this.view.fit();
    const lit = this.highlightState();
    if (this.frameHighlight && lit) {
      this.frameHighlight = false;
      this.frameNodes(lit.nodes);
    }
    const total = this.data.nodes.length;
    this.note.hidden = !(this.large && total);
    this.note.textContent = this.large ? this.text('large') : '';
    this.root.dataset.large = this.large ? 'true' : 'false';
    this.showLayoutChoice();
    this.updateCounts();
    this.setState(total ? 'ready' : 'empty');
    // Keep the selected actor, if it still exists.
    if (this.selectedId != null) {
      const selected = this.data.nodesById.get(this.selectedId);
      if (selected) this.fillCard(selected);
      else this.closeCard({ keepFocus: true });
    }
  }

  /* The ids of the actors and relationships that the filters show (a relationship needs both its ends). */
  visibility() {
    const filters = readFilters(this.root);
    const nodes = new Set();
    for (const node of this.data.nodes) if (filters.family(node.family)) nodes.add(String(node.id));
    const edges = new Set();
    for (const edge of this.data.edges) {
      if (filters.type(edge.type) && nodes.has(String(edge.source)) && nodes.has(String(edge.target))) {
        edges.add(String(edge.id));
      }
    }
    return { nodes, edges };
  }

  /* The family and relationship type codes of the legend and of the map. */
  codes() {
    const families = new Set(Array.from(this.root.querySelectorAll('input[name="map-family"]'), (box) => box.value));
    const types = new Set(Array.from(this.root.querySelectorAll('input[name="map-type"]'), (box) => box.value));
    for (const node of this.data.nodes) families.add(node.family);
    for (const edge of this.data.edges) types.add(edge.type);
    return { families: Array.from(families), types: Array.from(types) };
  }

  /* Show what the legend's check boxes ask for. */
  applyFilters({ fit = false } = {}) {
    if (!this.view || !this.data) return;
    this.visible = this.visibility();
    this.view.setVisible(this.visible);
    if (fit) this.view.fit();
    this.updateCounts();
  }

  updateCounts() {
    const total = this.data.nodes.length;
    const nodes = this.visible.nodes.size;
    const edges = this.visible.edges.size;
    if (!total) this.showStatus('empty', this.text('empty'));
    else if (!nodes) this.showStatus('filtered', this.text('filtered-out'));
    else this.showStatus(null);
    this.counts.textContent = total ? this.text('counts', {
      nodes, total_nodes: total, edges, total_edges: this.data.edges.length,
    }) : '';
    this.root.dataset.nodeCount = String(nodes);
    this.root.dataset.edgeCount = String(edges);
  }

  // ------------------------------------------------------------------------------------------ view

  fit() {
    if (this.view && this.data) this.view.fit();
  }

  centerOn(id) {
    this.view.center(String(id), FOCUS_ZOOM_LARGE);
  }

  frameNodes(ids) {
    this.view.frame(ids, this.large ? HIGHLIGHT_ZOOM_MAX.large : HIGHLIGHT_ZOOM_MAX.small);
  }

  /* The selected actor, the highlighted finding and the search's matches, drawn by the view. */
  applyMarks() {
    if (!this.view || !this.data) return;
    const lit = this.highlightState();
    this.view.setMarks({
      selected: this.selectedId != null && this.data.nodesById.has(this.selectedId) ? this.selectedId : null,
      lit: lit && lit.nodes.size ? lit : null,
      matches: this.matches || [],
    });
    this.root.dataset.highlightNodes = String(lit ? lit.nodes.size : 0);
    this.root.dataset.highlightEdges = String(lit ? lit.edges.size : 0);
  }

  markSelected() {
    this.applyMarks();
  }

  markMatches(nodes) {
    this.matches = nodes.slice(0, 300).map((node) => String(node.id));
    this.applyMarks();
  }

  // ------------------------------------------------------------------------------------------ highlight

  /* The highlighted ids that are on the map: the actors asked for, and the two ends of each relationship. */
  highlightState() {
    if (!this.highlighted || !this.data) return null;
    const nodes = new Set();
    const edges = new Set();
    for (const id of this.highlighted.nodes) if (this.data.nodesById.has(id)) nodes.add(id);
    for (const id of this.highlighted.edges) {
      const edge = this.data.edgesById.get(id);
      if (!edge) continue;
      edges.add(id);
      nodes.add(String(edge.source));
      nodes.add(String(edge.target));
    }
    return { nodes, edges };
  }

  /*
   * Bring out these actors and relationships (ids, as numbers or strings) and fade the rest; their families and
   * relationship types are shown again if the filters hid them.  The view moves to them unless options.frame is
   * false.  Returns whether any of them is known (before the data is loaded: whether any was given).
   */
  highlight(nodeIds, edgeIds, options = {}) {
    const nodes = new Set((nodeIds || []).filter((id) => id != null && id !== '').map(String));
    const edges = new Set((edgeIds || []).filter((id) => id != null && id !== '').map(String));
    if (!nodes.size && !edges.size) {
      this.clearHighlight();
      return false;
    }
    this.highlighted = { nodes, edges };
    this.frameHighlight = options.frame !== false;
    if (!this.data || !this.view || this.root.dataset.ready !== 'true') return true; // applied once drawn
    const lit = this.highlightState();
    if (!lit.nodes.size) {
      this.frameHighlight = false;
      this.applyMarks();
      return false;
    }
    const families = Array.from(lit.nodes, (id) => this.data.nodesById.get(id).family);
    const types = Array.from(lit.edges, (id) => this.data.edgesById.get(id).type);
    if (reveal(this.root, { families, types })) this.applyFilters();
    this.applyMarks();
    if (this.frameHighlight) {
      this.frameHighlight = false;
      this.frameNodes(lit.nodes);
    }
    return true;
  }

  clearHighlight() {
    if (!this.highlighted) return;
    this.highlighted = null;
    this.frameHighlight = false;
    this.applyMarks();
  }

  // ------------------------------------------------------------------------------------------ selection

  /* What a click on an actor does: open its card and mark it on the map.  Returns false for an unknown id. */
  selectNode(id, { fromClick = false } = {}) {
    const key = String(id);
    const node = this.data && this.data.nodesById.get(key);
    if (!node) return false;
    // Hidden by the family filter: show its family again (an explicit request to see this actor).
    if (reveal(this.root, { families: [node.family] })) this.applyFilters();
    const previous = this.selectedId;
    this.selectedId = key;
    if (this.card.hidden || previous == null) {
      const active = document.activeElement;
      this.returnFocus = active && active !== document.body && !this.card.contains(active) ? active : null;
    }
    this.fillCard(node);
    this.card.hidden = false;
    this.markSelected();
    // Keyboard paths (search, links in the card) move the focus to the card; a click on the canvas does not.
    if (!fromClick) this.cardTitle.focus({ preventScroll: true });
    this.revealCard();
    return true;
  }

  /* Select an actor and bring it to the middle of the map (search results, links in the card). */
  focusNode(id) {
    if (!this.selectNode(id)) return false;
    this.centerOn(id);
    return true;
  }

  revealCard() {
    // On narrow screens the card sits below the map: scroll it into view if it is off screen.
    const rect = this.card.getBoundingClientRect();
    const canvasRect = this.canvas.getBoundingClientRect();
    if (rect.top >= canvasRect.bottom - 1 && rect.top > window.innerHeight - 80) {
      this.card.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
  }

  closeCard({ keepFocus = false } = {}) {
    const hadFocus = this.card.contains(document.activeElement);
    this.card.hidden = true;
    this.selectedId = null;
    this.markSelected();
    if (!keepFocus && hadFocus) {
      const target = this.returnFocus && document.body.contains(this.returnFocus) ? this.returnFocus : this.search.input;
      target.focus({ preventScroll: true });
    }
    this.returnFocus = null;
  }

  fillCard(node) {
    // The card's top border takes the family's colour from map.css (class, not a style attribute).
    this.card.className = `map-card family-${node.family}`;
    this.cardTitle.textContent = node.name || node.acronym || node.reference || String(node.id);
    this.cardBody.replaceChildren(...cardContent(node, {
      data: this.data, text: this.text, actorUrlTemplate: this.actorUrlTemplate,
    }));
  }

  /* Where an actor is drawn, in the window's pixels (for tests and tools), or null. */
  nodePosition(id) {
    const point = this.view && this.view.nodePosition(String(id));
    if (!point) return null;
    const box = this.canvas.getBoundingClientRect();
    return { x: box.left + point.x, y: box.top + point.y };
  }

  /* Lay the map out again: 'force', 'layered' (layers of authority) or 'grouped' (by family); small maps only. */
  async layout(name) {
    if (!LAYOUTS.includes(name)) return false;
    this.layoutName = name;
    if (this.layoutSelect.value !== name) this.layoutSelect.value = name;
    this.root.dataset.layoutName = this.large ? 'force' : name;
    if (this.large || !this.view || !this.data) return false;
    this.root.dataset.layout = 'running';
    await this.view.layout({ name });
    this.positions = this.view.positions();
    this.view.fit();
    this.root.dataset.layout = 'done';
    return true;
  }

  /* On a large map only the network layout is offered; the note says why. */
  showLayoutChoice() {
    for (const option of this.layoutSelect.options) option.disabled = this.large && option.value !== 'force';
    this.layoutSelect.value = this.large ? 'force' : this.layoutName;
    this.layoutNote.hidden = !this.large;
    this.layoutNote.textContent = this.large ? this.text('layout-large') : '';
    this.root.dataset.layoutName = this.large ? 'force' : this.layoutName;
  }

  /* Read the map on another day (YYYY-MM-DD, or '' for every relationship): remembered for the session. */
  setDay(day) {
    savePreferences(this.root, { as_of: day });
    this.load({ quiet: true });
  }
}

// ------------------------------------------------------------------------------------------ start

function start(root) {
  if (!root || root.dataset.mapStarted === 'true') return;
  root.dataset.mapStarted = 'true';
  const previous = window.egideMap && window.egideMap.instance;
  if (previous && !document.body.contains(previous.root)) previous.destroy();
  const map = new EgideMap(root);
  window.egideMap = {
    instance: map,
    get view() { return map.view; },
    selectNode: (id) => map.selectNode(id, { fromClick: true }),
    focusNode: (id) => map.focusNode(id),
    nodePosition: (id) => map.nodePosition(id),
    reload: () => map.load({ quiet: true }),
    fit: () => map.fit(),
    layout: (name) => map.layout(name),
    setDay: (day) => map.dateControl.set(day),
    highlight: (nodeIds, edgeIds, options) => map.highlight(nodeIds, edgeIds, options),
    clearHighlight: () => map.clearHighlight(),
  };
}

function startIn(scope) {
  const root = scope && scope.querySelector ? (scope.id === 'map' ? scope : scope.querySelector('#map')) : null;
  start(root || document.getElementById('map'));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => startIn(document));
else startIn(document);
// Content swapped in by HTMX (e.g. a boosted navigation to a country page).
document.addEventListener('htmx:load', (event) => startIn(event.target));

