// The map drawn by Cytoscape.js (canvas): maps of up to a few hundred actors, with shapes, dashes and names.

import cytoscape from 'cytoscape';
import { el } from './dom.js';
import { fullLabel } from './data.js';
import { stylesheet, nodeElement, edgeElement } from './style.js';
import { forceLayout, layeredLayout, groupedLayout } from './layout.js';

const FIT_PADDING = 28;
const MAX_FIT_ZOOM = 1.5; // a map of a few actors is not blown up beyond its natural size

// Cytoscape adds a <style> element for its container unless one with this id exists; the content security
// policy refuses it, so an empty placeholder stands in and map.css holds the rule.
function preventInlineStyle() {
  const id = '__________cytoscape_stylesheet';
  if (!document.getElementById(id)) document.head.appendChild(el('meta', { id, name: 'egide-map-style' }));
}

export class CytoscapeView {
  constructor(container, handlers) {
    this.container = container;
    this.handlers = handlers;
    this.cy = null;
  }

  /* Draw the map: data (indexed), positions (Map id -> [x, y]), visible ({nodes, edges}: Sets of ids). */
  show({ data, positions, visible, colors, codes }) {
    this.data = data;
    this.grouped = false;
    const elements = [
      ...data.nodes.map((node) => nodeElement(node, {
        degree: data.degree.get(String(node.id)) || 0,
        large: false,
        position: positions.get(String(node.id)) || [0, 0],
        label: fullLabel(node),
        filtered: !visible.nodes.has(String(node.id)),
      })),
      ...data.edges.filter((edge) => edge.source !== edge.target).map((edge) => edgeElement(edge, {
        filtered: !visible.edges.has(String(edge.id)),
      })),
    ];
    const style = stylesheet(colors, false, codes);
    if (this.cy) {
      this.cy.batch(() => {
        this.cy.elements().remove();
        this.cy.style(style);
        this.cy.add(elements);
      });
      return;
    }
    preventInlineStyle();
    this.cy = cytoscape({
      container: this.container,
      elements,
      style,
      layout: { name: 'preset' },
      minZoom: 0.05,
      maxZoom: 4,
      boxSelectionEnabled: false,
      autounselectify: true,
    });
    const { onNodeClick, onNodeHover, onEdgeHover, onLeave, onViewport } = this.handlers;
    this.cy.on('tap', 'node', (event) => { if (!event.target.hasClass('family-group')) onNodeClick(event.target.id()); });
    this.cy.on('mouseover', 'node', (event) => {
      if (event.target.hasClass('family-group')) return;
      event.target.connectedEdges().addClass('adjacent');
      onNodeHover(event.target.id(), event.renderedPosition);
    });
    this.cy.on('mouseover', 'edge', (event) => onEdgeHover(event.target.id().slice(1), event.renderedPosition));
    this.cy.on('mouseout', 'node', (event) => {
      if (!event.target.hasClass('selected')) event.target.connectedEdges().removeClass('adjacent');
      onLeave();
    });
    this.cy.on('mouseout', 'edge', () => onLeave());
    this.cy.on('viewport', () => onViewport());
  }

  /* Place the actors: 'force' (fCoSE), 'layered' (layers of authority) or 'grouped' (a box per family). */
  async layout({ refine = false, name = 'force' } = {}) {
    this.group(name === 'grouped');
    // In layers of authority the relationships that are not links of command or administration step back.
    this.cy.batch(() => {
      const aside = this.cy.edges().not('.t-commands, .t-administers');
      if (name === 'layered') aside.addClass('aside');
      else aside.removeClass('aside');
    });
    if (name === 'layered') {
      await layeredLayout(this.cy, this.data);
    } else if (name === 'grouped') {
      await groupedLayout(this.cy);
    } else {
      await forceLayout(this.cy, { refine });
      if (!refine) this.orient();
    }
    this.container.dataset.layoutName = name;
  }

  /* Put each actor in a box of its family (Cytoscape's compound nodes), or take the boxes away. */
  group(on) {
    const cy = this.cy;
    if (on === this.grouped) return;
    this.grouped = on;
    cy.batch(() => {
      if (!on) {
        this.actors().move({ parent: null });
        cy.remove('.family-group');
        return;
      }
      const labels = new Map();
      for (const node of this.data.nodes) labels.set(node.family, node.family_label || node.family);
      cy.add(Array.from(labels, ([code, label]) => ({
        group: 'nodes', data: { id: `family:${code}`, label }, classes: `family-group f-${code}`,
      })));
      for (const node of this.data.nodes) cy.getElementById(String(node.id)).move({ parent: `family:${node.family}` });
      this.updateGroups();
    });
  }

  /* The actors (not the family boxes). */
  actors() {
    return this.cy.nodes().not('.family-group');
  }

  /* A family box with no actor shown is hidden with them. */
  updateGroups() {
    this.cy.nodes('.family-group').forEach((box) => {
      const empty = box.children().not('.filtered').length === 0;
      if (box.hasClass('filtered') !== empty) box.toggleClass('filtered', empty);
    });
  }

  /* Turn a wide drawing a quarter round in a tall frame (a phone), and the other way round: the names stay larger. */
  orient() {
    const box = this.actors().boundingBox();
    const frameTall = this.cy.height() > this.cy.width() * 1.15;
    const frameWide = this.cy.width() > this.cy.height() * 1.15;
    if ((frameTall && box.w > box.h * 1.15) || (frameWide && box.h > box.w * 1.15)) {
      this.actors().positions((node) => ({ x: node.position('y'), y: node.position('x') }));
    }
  }

  positions() {
    return new Map(this.actors().map((node) => [node.id(), [node.position('x'), node.position('y')]]));
  }

  setVisible(visible) {
    this.cy.batch(() => {
      this.actors().forEach((node) => {
        const hide = !visible.nodes.has(node.id());
        if (node.hasClass('filtered') !== hide) node.toggleClass('filtered', hide);
      });
      this.cy.edges().forEach((edge) => {
        const hide = !visible.edges.has(edge.id().slice(1));
        if (edge.hasClass('filtered') !== hide) edge.toggleClass('filtered', hide);
      });
      this.updateGroups();
    });
  }

  /* selected: id or null; lit: {nodes, edges} or null; matches: ids. */
  setMarks({ selected, lit, matches }) {
    const cy = this.cy;
    cy.batch(() => {
      cy.$('.selected, .adjacent, .match, .lit, .faded').removeClass('selected adjacent match lit faded');
      if (lit) {
        cy.elements().not('.family-group').addClass('faded');
        for (const id of lit.nodes) cy.getElementById(id).removeClass('faded').addClass('lit');
        for (const id of lit.edges) cy.getElementById(`e${id}`).removeClass('faded').addClass('lit');
      }
      for (const id of matches) cy.getElementById(id).addClass('match');
      if (selected != null) {
        const node = cy.getElementById(selected);
        node.addClass('selected');
        node.connectedEdges().addClass('adjacent');
      }
    });
  }

  fit() {
    const shown = this.cy.nodes().not('.filtered');  // with the family boxes and their names
    if (!shown.length) return;
    this.cy.fit(shown, FIT_PADDING);
    if (this.cy.zoom() > MAX_FIT_ZOOM) {
      this.cy.zoom({ level: MAX_FIT_ZOOM, renderedPosition: { x: this.cy.width() / 2, y: this.cy.height() / 2 } });
    }
  }

  center(id) {
    const node = this.cy.getElementById(id);
    if (node.length) this.cy.center(node);
  }

  /* Move and zoom the view so that these actors are in the middle of it, at most at zoom `most`. */
  frame(ids, most = 1.6) {
    const nodes = this.cy.collection(Array.from(ids, (id) => this.cy.getElementById(id)).filter((n) => n.length));
    if (!nodes.length) return;
    this.cy.fit(nodes, 80);
    if (this.cy.zoom() > most) {
      this.cy.zoom(most);
      this.cy.center(nodes);
    }
  }

  /* Where an actor is drawn, in the container's pixels, or null. */
  nodePosition(id) {
    const node = this.cy.getElementById(id);
    if (!node.length) return null;
    const point = node.renderedPosition();
    return { x: point.x, y: point.y };
  }

  resize() {
    this.cy.resize();
  }

  destroy() {
    if (this.cy) this.cy.destroy();
    this.cy = null;
  }
}
