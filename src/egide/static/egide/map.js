/*
 * Égide: the interactive map of a country's security system.
 *
 * Markup: actors/_map.html (section#map).  Look: egide/map.css, whose custom properties give the colours.
 * Needs Apache ECharts (window.echarts), loaded before this file.  No build step, no inline code (strict CSP).
 *
 * - Fetches the JSON at data-map-url ({country, nodes, edges}) and draws it as an ECharts graph.
 * - The layout is a force-directed one computed here (Fruchterman–Reingold, exact repulsion for small maps,
 *   grid-approximated repulsion and a time budget for large ones), then drawn with `layout: 'none'`, so that
 *   positions stay put when filters change and when the data is reloaded after an edit.
 * - Large maps (see LARGE_NODES): ECharts draws the actors; the relationships and names are drawn in batches on
 *   two canvases under and over it, kept in step with the ECharts view when panning and zooming.
 * - Every visible string comes from the data-* attributes of #map-strings (translated by Django).
 * - highlight(nodeIds, edgeIds) brings out some actors and relationships (a governance finding) and fades the
 *   rest, in both drawing modes; the highlight is kept when the data is reloaded, until clearHighlight().
 * - Hooks for tests: #map[data-ready|data-state|data-node-count|data-edge-count|data-highlight-nodes|
 *   data-highlight-edges], window.egideMap.
 */
(function () {
  'use strict';

  var SERIES_ID = 'actors';
  var FAMILY_ORDER = ['security_providers', 'management', 'supervisory', 'justice', 'public_information'];
  var TYPE_ORDER = ['commands', 'administers', 'oversees', 'audits', 'funds', 'adjudicates', 'appoints',
    'reports_to', 'scrutinises', 'coordinates_with'];
  // Beyond this many actors or relationships the map is "large": relationships are drawn in batches on a canvas
  // under the ECharts one (ECharts draws each edge as its own element, too slow for tens of thousands).
  var LARGE_NODES = 400;
  var LARGE_EDGES = 1200;
  var EXACT_REPULSION_MAX = 350; // up to this many actors, every pair of actors repels
  var ISOLATE_PULL = 12; // extra gravity on an actor without relationships (less with each relationship)
  var LAYOUT_BUDGET_MS = 1500; // time limit for the layout, whatever the size (run in slices, see createLayout)
  var NODE_SCALE_RATIO = 0.6; // how much actors grow when zooming (ECharts nodeScaleRatio)
  var NODE_SCALE_RATIO_LARGE = 0.3;
  var MAX_DETAILED_EDGES = 3000; // on a large map, arrowheads and dashes only when fewer relationships are in view
  var EDGE_HIT_DISTANCE = 5; // px, for the tooltips of relationships on a large map
  var MAX_LAYER_LABELS = 400; // names drawn at once on a large map (most connected first, more when zoomed in)
  var FOCUS_ZOOM_LARGE = 4; // zoom used to show an actor found on a large map
  var HIGHLIGHT_ZOOM_MAX = 2; // at most this zoom when framing highlighted actors on a small map (8 on a large one)
  var HIGHLIGHT_FADE = 0.15; // opacity of what is not highlighted, relative to its usual opacity
  var MAX_SEARCH_RESULTS = 8;
  var MAX_RELATIONSHIPS_LISTED = 60;
  var STRENGTH_WIDTH = { weak: 1.2, moderate: 2.2, strong: 3.6 };
  var STRENGTH_PULL = { weak: 0.75, moderate: 1, strong: 1.35 };

  // ------------------------------------------------------------------------------------------ helpers

  function format(template, values) {
    return String(template || '').replace(/%\((\w+)\)s/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function escapeHtml(value) {
    return String(value == null ? '' : value)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }

  function fold(value) {
    // Case- and accent-insensitive comparison ("Ministère" matches "ministere").
    return String(value || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value == null || value === false) return;
        if (key === 'text') node.textContent = value;
        else if (key === 'className') node.className = value;
        else node.setAttribute(key, value === true ? '' : value);
      });
    }
    (children || []).forEach(function (child) {
      if (child == null) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function relSwatch(type) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'rel-swatch rel-' + type);
    svg.setAttribute('width', '26');
    svg.setAttribute('height', '10');
    svg.setAttribute('viewBox', '0 0 36 10');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var line = document.createElementNS(ns, 'line');
    line.setAttribute('x1', '1'); line.setAttribute('y1', '5');
    line.setAttribute('x2', '28'); line.setAttribute('y2', '5');
    var head = document.createElementNS(ns, 'path');
    head.setAttribute('d', 'M27 1.2 L35 5 L27 8.8 Z');
    svg.appendChild(line);
    svg.appendChild(head);
    return svg;
  }

  function mulberry32(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function now() {
    return (window.performance && performance.now) ? performance.now() : Date.now();
  }

  function debounce(fn, wait) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, wait);
    };
  }

  function familyRank(code) {
    var i = FAMILY_ORDER.indexOf(code);
    return i < 0 ? FAMILY_ORDER.length : i;
  }

  function typeRank(code) {
    var i = TYPE_ORDER.indexOf(code);
    return i < 0 ? TYPE_ORDER.length : i;
  }

  function shortLabel(node) {
    var text = (node.acronym || '').trim() || (node.name || '').trim() || (node.reference || '').trim() || String(node.id);
    return text.length > 20 ? text.slice(0, 18).trim() + '…' : text;
  }

  // ------------------------------------------------------------------------------------------ layout

  /*
   * Force-directed layout (Fruchterman–Reingold with degree-weighted repulsion, a weak pull of each actor
   * towards the centre of its family and a weak gravity), seeded with one sunflower cluster per family.
   * `previous` (Map id -> [x, y]) keeps known actors where they were.
   * Returns a job: job.step(ms) works for about `ms` milliseconds and returns true when the layout is done
   * (or its time budget spent); job.result() gives Map(id -> [x, y]).  Run in slices, it never blocks the page.
   */
  function createLayout(nodes, edges, previous) {
    var n = nodes.length;
    var result = new Map();
    var spent = 0;
    var index = new Map();
    nodes.forEach(function (node, i) { index.set(String(node.id), i); });

    var src = [];
    var dst = [];
    var pull = [];
    var degree = new Float64Array(n);
    var neighbours = [];
    for (var i = 0; i < n; i++) neighbours.push([]);
    edges.forEach(function (edge) {
      var s = index.get(String(edge.source));
      var t = index.get(String(edge.target));
      if (s == null || t == null || s === t) return;
      src.push(s); dst.push(t); pull.push(STRENGTH_PULL[edge.strength] || 1);
      degree[s] += 1; degree[t] += 1;
      neighbours[s].push(t); neighbours[t].push(s);
    });
    var m = src.length;

    var mass = new Float64Array(n);
    var pullIn = new Float64Array(n); // gravity: stronger for actors with few relationships, which would drift away
    for (i = 0; i < n; i++) {
      mass[i] = 1 + Math.sqrt(degree[i]) * 0.8;
      pullIn[i] = mass[i] * (1 + ISOLATE_PULL / ((1 + degree[i]) * (1 + degree[i])));
    }

    // Families, in a stable order, each with its members (most connected first).
    var families = new Map();
    nodes.forEach(function (node, i) {
      var key = node.family || '';
      if (!families.has(key)) families.set(key, []);
      families.get(key).push(i);
    });
    var familyKeys = Array.from(families.keys()).sort(function (a, b) {
      return familyRank(a) - familyRank(b) || (a < b ? -1 : a > b ? 1 : 0);
    });
    var familyOf = new Int32Array(n);
    familyKeys.forEach(function (key, f) {
      families.get(key).forEach(function (i) { familyOf[i] = f; });
    });

    var k = 1; // ideal distance between linked actors; the view is fitted anyway
    var x = new Float64Array(n);
    var y = new Float64Array(n);
    var rand = mulberry32(n * 7919 + m * 104729 + 17);
    var known = 0;
    var placed = new Uint8Array(n);
    if (previous && previous.size) {
      nodes.forEach(function (node, i) {
        var p = previous.get(String(node.id));
        if (p) { x[i] = p[0]; y[i] = p[1]; placed[i] = 1; known += 1; }
      });
    }

    // Seeds: families on a ring, each family a sunflower with its hubs in the middle.
    var ring = familyKeys.length > 1 ? 0.5 * k * Math.sqrt(n) + k : 0;
    familyKeys.forEach(function (key, f) {
      var angle = -Math.PI / 2 + (2 * Math.PI * f) / familyKeys.length;
      var cx = ring * Math.cos(angle);
      var cy = ring * Math.sin(angle);
      var members = families.get(key).slice().sort(function (a, b) { return degree[b] - degree[a]; });
      members.forEach(function (i, j) {
        if (placed[i]) return;
        var r = 0.7 * k * Math.sqrt(j + 0.5);
        var theta = j * 2.399963229728653;
        x[i] = cx + r * Math.cos(theta) + (rand() - 0.5) * 0.1 * k;
        y[i] = cy + r * Math.sin(theta) + (rand() - 0.5) * 0.1 * k;
      });
    });
    // New actors among known ones start next to their known neighbours.
    if (known) {
      for (i = 0; i < n; i++) {
        if (placed[i]) continue;
        var sx = 0, sy = 0, c = 0;
        neighbours[i].forEach(function (j) { if (placed[j]) { sx += x[j]; sy += y[j]; c += 1; } });
        if (c) { x[i] = sx / c + (rand() - 0.5) * k; y[i] = sy / c + (rand() - 0.5) * k; }
      }
    }

    var refining = known > 0 && known >= n * 0.6;
    var iterations = !n ? 0 : refining ? 80 : n <= 100 ? 500 : n <= EXACT_REPULSION_MAX ? 350 : n <= 2000 ? 160 : 90;
    var temperature = refining ? 0.35 * k : Math.max(2 * k, 0.12 * Math.sqrt(n) * k);
    var coolTo = 0.02 * k;
    var cooling = Math.pow(coolTo / temperature, 1 / iterations);
    var exact = n <= EXACT_REPULSION_MAX;
    var k2 = k * k;
    var gravity = exact ? 0.02 : 0.01;
    var cohesion = exact ? 0.03 : 0.02;
    var cutoff = 2.5 * k;
    var cutoff2 = cutoff * cutoff;
    var dx = new Float64Array(n);
    var dy = new Float64Array(n);
    var fx = new Float64Array(familyKeys.length);
    var fy = new Float64Array(familyKeys.length);
    var fc = new Float64Array(familyKeys.length);
    var head = null;
    var next = null;

    var iteration = 0;

    function iterate() {
      dx.fill(0); dy.fill(0);
      var a, b, ddx, ddy, d2, d, f;

      // Repulsion.
      if (exact) {
        for (a = 0; a < n; a++) {
          for (b = a + 1; b < n; b++) {
            ddx = x[a] - x[b]; ddy = y[a] - y[b];
            d2 = ddx * ddx + ddy * ddy;
            if (d2 < 1e-6) { ddx = (rand() - 0.5) * 0.01; ddy = (rand() - 0.5) * 0.01; d2 = ddx * ddx + ddy * ddy; }
            f = k2 * mass[a] * mass[b] / d2;
            dx[a] += ddx * f; dy[a] += ddy * f;
            dx[b] -= ddx * f; dy[b] -= ddy * f;
          }
        }
      } else {
        var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
        for (a = 0; a < n; a++) {
          if (x[a] < minX) minX = x[a]; if (x[a] > maxX) maxX = x[a];
          if (y[a] < minY) minY = y[a]; if (y[a] > maxY) maxY = y[a];
        }
        var cell = Math.max(cutoff, (maxX - minX) / 1024, (maxY - minY) / 1024);
        var cols = Math.floor((maxX - minX) / cell) + 1;
        var rows = Math.floor((maxY - minY) / cell) + 1;
        if (!head || head.length < cols * rows) head = new Int32Array(cols * rows);
        if (!next) next = new Int32Array(n);
        head.fill(-1, 0, cols * rows);
        var cellX = new Int32Array(n);
        var cellY = new Int32Array(n);
        for (a = 0; a < n; a++) {
          cellX[a] = Math.floor((x[a] - minX) / cell);
          cellY[a] = Math.floor((y[a] - minY) / cell);
          var slot = cellY[a] * cols + cellX[a];
          next[a] = head[slot];
          head[slot] = a;
        }
        for (a = 0; a < n; a++) {
          for (var oy = -1; oy <= 1; oy++) {
            var ry = cellY[a] + oy;
            if (ry < 0 || ry >= rows) continue;
            for (var ox = -1; ox <= 1; ox++) {
              var rx = cellX[a] + ox;
              if (rx < 0 || rx >= cols) continue;
              for (b = head[ry * cols + rx]; b !== -1; b = next[b]) {
                if (b === a) continue;
                ddx = x[a] - x[b]; ddy = y[a] - y[b];
                d2 = ddx * ddx + ddy * ddy;
                if (d2 > cutoff2) continue;
                if (d2 < 1e-6) { ddx = (rand() - 0.5) * 0.01; ddy = (rand() - 0.5) * 0.01; d2 = ddx * ddx + ddy * ddy; }
                f = k2 * mass[a] * mass[b] / d2;
                dx[a] += ddx * f; dy[a] += ddy * f;
              }
            }
          }
        }
      }

      // Attraction along relationships.
      for (var e = 0; e < m; e++) {
        a = src[e]; b = dst[e];
        ddx = x[a] - x[b]; ddy = y[a] - y[b];
        d = Math.sqrt(ddx * ddx + ddy * ddy);
        if (d < 1e-9) continue;
        f = d * pull[e] / k;
        dx[a] -= ddx * f / mass[a]; dy[a] -= ddy * f / mass[a];
        dx[b] += ddx * f / mass[b]; dy[b] += ddy * f / mass[b];
      }

      // Family cohesion and gravity.
      fx.fill(0); fy.fill(0); fc.fill(0);
      for (a = 0; a < n; a++) { fx[familyOf[a]] += x[a]; fy[familyOf[a]] += y[a]; fc[familyOf[a]] += 1; }
      for (a = 0; a < n; a++) {
        var g = familyOf[a];
        dx[a] += (fx[g] / fc[g] - x[a]) * cohesion * mass[a];
        dy[a] += (fy[g] / fc[g] - y[a]) * cohesion * mass[a];
        dx[a] -= x[a] * gravity * pullIn[a];
        dy[a] -= y[a] * gravity * pullIn[a];
      }

      // Move, at most by the temperature.
      for (a = 0; a < n; a++) {
        d = Math.sqrt(dx[a] * dx[a] + dy[a] * dy[a]);
        if (d > 0) {
          var step = Math.min(d, temperature) / d;
          x[a] += dx[a] * step;
          y[a] += dy[a] * step;
        }
      }
      temperature *= cooling;
      iteration += 1;
    }

    return {
      step: function (ms) {
        var started = now();
        while (iteration < iterations && spent + (now() - started) < LAYOUT_BUDGET_MS) {
          iterate();
          if (now() - started > ms) break;
        }
        spent += now() - started;
        return iteration >= iterations || spent >= LAYOUT_BUDGET_MS;
      },
      result: function () {
        if (!result.size) nodes.forEach(function (node, i) { result.set(String(node.id), [x[i], y[i]]); });
        return result;
      }
    };
  }

  /*
   * Pushes apart actors whose symbols would overlap once drawn (`scale`: pixels per layout unit), keeping a
   * gap for the name below each one.  Small maps only (every pair is compared).
   */
  function separate(items, scale) {
    var n = items.length;
    if (n < 2 || !isFinite(scale) || scale <= 0) return;
    var radius = items.map(function (item) { return (item.symbolSize / 2 + 9) / scale; });
    for (var pass = 0; pass < 40; pass++) {
      var moved = false;
      for (var i = 0; i < n; i++) {
        for (var j = i + 1; j < n; j++) {
          var dx = items[j].x - items[i].x;
          var dy = items[j].y - items[i].y;
          var want = radius[i] + radius[j];
          // Names sit below the symbols: ask for more room vertically than horizontally.
          var d = Math.sqrt(dx * dx + dy * dy * 0.6);
          if (d >= want) continue;
          if (d < 1e-9) { dx = 1e-3 * (i - j); dy = 1e-3; d = Math.sqrt(dx * dx + dy * dy * 0.6); }
          var push = (want - d) / 2 / d;
          items[i].x -= dx * push; items[i].y -= dy * push;
          items[j].x += dx * push; items[j].y += dy * push;
          moved = true;
        }
      }
      if (!moved) break;
    }
  }

  // ------------------------------------------------------------------------------------------ the map

  function EgideMap(root) {
    this.root = root;
    this.canvas = root.querySelector('#map-canvas');
    this.card = root.querySelector('#map-card');
    this.cardTitle = root.querySelector('#map-card-title');
    this.cardBody = root.querySelector('#map-card-body');
    this.search = root.querySelector('#map-search');
    this.searchStatus = root.querySelector('#map-search-status');
    this.searchResults = root.querySelector('#map-search-results');
    this.status = root.querySelector('#map-status');
    this.statusText = root.querySelector('#map-status-text');
    this.retry = root.querySelector('#map-retry');
    this.note = root.querySelector('#map-note');
    this.counts = root.querySelector('#map-counts');
    var stringsEl = root.querySelector('#map-strings');
    this.t = stringsEl ? stringsEl.dataset : {};
    this.url = root.dataset.mapUrl;
    this.actorUrlTemplate = root.dataset.actorUrlTemplate || '';

    this.data = null; // {nodes, edges} as received (edges restricted to known actors)
    this.nodesById = new Map();
    this.outgoing = new Map();
    this.incoming = new Map();
    this.positions = new Map();
    this.layoutKey = '';
    this.visibleNodes = [];
    this.visibleEdges = [];
    this.indexById = new Map();
    this.large = false;
    this.zoom = 1;
    this.selectedId = null;
    this.highlighted = null; // {nodes: Set, edges: Set} of ids (strings), kept across reloads
    this.frameHighlight = false; // bring the highlighted actors into view at the next drawing
    this.returnFocus = null;
    this.matches = [];
    this.controller = null;
    this.colors = null;

    this.chart = window.echarts.init(this.canvas, null, { renderer: 'canvas' });
    this.edgeLayer = el('canvas', { className: 'map-edge-layer', 'aria-hidden': 'true', hidden: true });
    this.canvas.parentNode.insertBefore(this.edgeLayer, this.canvas);
    this.labelLayer = el('canvas', { className: 'map-label-layer', 'aria-hidden': 'true', hidden: true });
    this.canvas.parentNode.insertBefore(this.labelLayer, this.canvas.nextSibling);
    this.edgeTip = el('div', { className: 'map-edge-tip', hidden: true });
    this.canvas.parentNode.appendChild(this.edgeTip);
    this.layer = null; // relationships drawn on the edge layer (large maps)
    this.hoverId = null;
    this.layerFrame = null;
    this.bind();
    this.load();
  }

  /* A translated string from #map-strings: text('no-match') reads data-no-match. */
  EgideMap.prototype.text = function (key, values) {
    var value = this.t[key.replace(/-([a-z])/g, function (m, c) { return c.toUpperCase(); })] || '';
    return values ? format(value, values) : value;
  };

  // ------------------------------------------------------------------------------------------ events

  EgideMap.prototype.bind = function () {
    var self = this;
    var root = this.root;

    this.chart.on('click', function (params) {
      if (params.dataType === 'node' && self.visibleNodes[params.dataIndex]) {
        self.selectNode(self.visibleNodes[params.dataIndex].id, { fromClick: true });
      }
    });
    this.chart.on('graphRoam', function (params) {
      if (params && params.zoom) self.zoom *= params.zoom;
      self.hideEdgeTip();
      self.requestLayerDraw();
    });
    this.chart.on('mouseover', function (params) {
      if (self.large && params.dataType === 'node' && self.visibleNodes[params.dataIndex]) {
        self.hoverId = String(self.visibleNodes[params.dataIndex].id);
        self.hideEdgeTip();
        self.requestLayerDraw();
      }
    });
    this.chart.on('mouseout', function (params) {
      if (self.large && params.dataType === 'node' && self.hoverId != null) {
        self.hoverId = null;
        self.requestLayerDraw();
      }
    });
    var zr = this.chart.getZr();
    var pointer = null;
    zr.on('mousemove', function (event) {
      if (!self.layer) return;
      if (event.target) { self.hideEdgeTip(); return; }
      var first = pointer == null;
      pointer = [event.offsetX, event.offsetY];
      if (first) {
        window.requestAnimationFrame(function () {
          var at = pointer;
          pointer = null;
          if (at) self.edgeTipAt(at[0], at[1]);
        });
      }
    });
    zr.on('globalout', function () { pointer = null; self.hideEdgeTip(); });

    root.addEventListener('change', function (event) {
      var target = event.target;
      if (target && (target.name === 'map-family' || target.name === 'map-type')) {
        self.render({ fit: true });
      }
    });
    root.querySelectorAll('[data-map-check]').forEach(function (button) {
      button.addEventListener('click', function () {
        var fieldset = button.closest('fieldset');
        var on = button.getAttribute('data-map-check') === 'all';
        fieldset.querySelectorAll('input[type="checkbox"]').forEach(function (box) { box.checked = on; });
        self.render({ fit: true });
      });
    });

    var fit = root.querySelector('#map-fit');
    if (fit) fit.addEventListener('click', function () { self.fit(); });
    if (this.retry) this.retry.addEventListener('click', function () { self.load(); });

    root.querySelector('#map-card-close').addEventListener('click', function () { self.closeCard(); });
    document.addEventListener('keydown', function (event) {
      // Escape closes the card, unless it is meant for the search box or another field.
      if (self.destroyed || event.key !== 'Escape' || self.card.hidden || event.defaultPrevented) return;
      var active = document.activeElement;
      var inField = active && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName) && !self.card.contains(active);
      var elsewhere = active && active !== document.body && !root.contains(active);
      if (inField || elsewhere) return;
      event.preventDefault();
      self.closeCard();
    });
    this.card.addEventListener('click', function (event) {
      var button = event.target.closest('[data-node-id]');
      if (button && self.card.contains(button)) {
        event.preventDefault();
        self.focusNode(button.getAttribute('data-node-id'));
      }
    });

    // Search.
    var runSearch = debounce(function () { self.runSearch(); }, 120);
    this.search.addEventListener('input', runSearch);
    this.search.addEventListener('search', function () { self.runSearch(); });
    this.search.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') {
        event.preventDefault();
        self.runSearch();
        if (self.matches.length) self.chooseMatch(self.matches[0].id);
      } else if (event.key === 'ArrowDown') {
        var first = self.searchResults.querySelector('button');
        if (first && !self.searchResults.hidden) { event.preventDefault(); first.focus(); }
      } else if (event.key === 'Escape') {
        self.hideResults();
      }
    });
    this.searchResults.addEventListener('click', function (event) {
      var button = event.target.closest('button[data-node-id]');
      if (button) self.chooseMatch(button.getAttribute('data-node-id'));
    });
    this.searchResults.addEventListener('keydown', function (event) {
      var buttons = Array.prototype.slice.call(self.searchResults.querySelectorAll('button'));
      var i = buttons.indexOf(document.activeElement);
      if (event.key === 'ArrowDown' && i < buttons.length - 1) { event.preventDefault(); buttons[i + 1].focus(); }
      else if (event.key === 'ArrowUp') { event.preventDefault(); (i > 0 ? buttons[i - 1] : self.search).focus(); }
      else if (event.key === 'Escape') { event.preventDefault(); self.hideResults(); self.search.focus(); }
    });
    document.addEventListener('click', function (event) {
      if (!self.destroyed && !self.search.parentNode.contains(event.target)) self.hideResults();
    });

    // Size and theme.
    var scheduled = false;
    var resize = function () {
      if (scheduled) return;
      scheduled = true;
      window.requestAnimationFrame(function () {
        scheduled = false;
        if (self.chart && !self.chart.isDisposed()) {
          self.chart.resize();
          self.drawLayer();
        }
      });
    };
    if (window.ResizeObserver) {
      this.resizeObserver = new ResizeObserver(resize);
      this.resizeObserver.observe(this.canvas);
    }
    this.onResize = resize;
    window.addEventListener('resize', resize);
    // Light or dark theme (the system's, or Pico's data-theme attribute): colours are read again.
    var onScheme = function () {
      self.colors = null;
      if (self.data && !self.destroyed) self.render();
    };
    if (window.matchMedia) {
      var scheme = window.matchMedia('(prefers-color-scheme: dark)');
      if (scheme.addEventListener) scheme.addEventListener('change', onScheme);
    }
    if (window.MutationObserver) {
      this.themeObserver = new MutationObserver(onScheme);
      this.themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    }

    // Reload after an actor or a relationship was created, edited or deleted (sent by HTMX).
    this.onChanged = debounce(function () {
      if (!document.body.contains(root)) { self.destroy(); return; }
      self.load({ quiet: true });
    }, 150);
    document.body.addEventListener('egide:changed', this.onChanged);
  };

  EgideMap.prototype.destroy = function () {
    this.destroyed = true;
    document.body.removeEventListener('egide:changed', this.onChanged);
    window.removeEventListener('resize', this.onResize);
    if (this.resizeObserver) this.resizeObserver.disconnect();
    if (this.themeObserver) this.themeObserver.disconnect();
    clearTimeout(this.layerTimer);
    this.layoutJob = null;
    if (this.controller) this.controller.abort();
    if (this.chart && !this.chart.isDisposed()) this.chart.dispose();
  };

  // ------------------------------------------------------------------------------------------ loading

  EgideMap.prototype.setState = function (state) {
    this.root.dataset.state = state;
    this.root.dataset.ready = state === 'ready' || state === 'empty' ? 'true' : 'false';
    this.root.setAttribute('aria-busy', state === 'loading' ? 'true' : 'false');
  };

  EgideMap.prototype.showStatus = function (kind, message) {
    if (!kind) {
      this.status.hidden = true;
      this.statusText.removeAttribute('aria-busy');
      return;
    }
    this.status.hidden = false;
    this.status.classList.toggle('is-error', kind === 'error');
    this.statusText.textContent = message;
    if (kind === 'loading') this.statusText.setAttribute('aria-busy', 'true');
    else this.statusText.removeAttribute('aria-busy');
    this.retry.hidden = kind !== 'error';
  };

  EgideMap.prototype.load = function (options) {
    var self = this;
    var quiet = options && options.quiet && this.data;
    if (this.controller) this.controller.abort();
    var controller = window.AbortController ? new AbortController() : null;
    this.controller = controller;
    this.setState('loading');
    if (!quiet) this.showStatus('loading', this.text('loading'));
    fetch(this.url, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json' },
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    }).then(function (payload) {
      if (controller !== self.controller) return;
      if (!payload || !Array.isArray(payload.nodes) || !Array.isArray(payload.edges)) throw new Error('Bad map data');
      self.setData(payload, function () {
        self.render({ fit: !quiet });
        if (self.search.value) self.runSearch({ keepList: true });
      });
    }).catch(function (error) {
      if (error && error.name === 'AbortError') return;
      if (controller !== self.controller) return;
      if (window.console) console.error('Égide map:', error);
      self.setState('error');
      self.showStatus('error', self.text('error'));
    });
  };

  EgideMap.prototype.setData = function (payload, done) {
    var nodesById = new Map();
    payload.nodes.forEach(function (node) { nodesById.set(String(node.id), node); });
    var edges = payload.edges.filter(function (edge) {
      return nodesById.has(String(edge.source)) && nodesById.has(String(edge.target));
    });
    var outgoing = new Map();
    var incoming = new Map();
    edges.forEach(function (edge) {
      var s = String(edge.source);
      var t = String(edge.target);
      if (!outgoing.has(s)) outgoing.set(s, []);
      if (!incoming.has(t)) incoming.set(t, []);
      outgoing.get(s).push(edge);
      incoming.get(t).push(edge);
    });
    var edgesById = new Map();
    edges.forEach(function (edge) { edgesById.set(String(edge.id), edge); });
    this.data = { nodes: payload.nodes, edges: edges };
    this.edgesById = edgesById;
    this.nodesById = nodesById;
    this.outgoing = outgoing;
    this.incoming = incoming;

    this.large = payload.nodes.length > LARGE_NODES || edges.length > LARGE_EDGES;

    // Lay out again only if the structure changed, keeping known actors where they were; work in slices
    // of a few tens of milliseconds so that the page stays responsive while a large map is laid out.
    var key = payload.nodes.map(function (n) { return n.id; }).join(',') + '|' +
      edges.map(function (e) { return e.source + '>' + e.target; }).join(',');
    if (key === this.layoutKey) {
      this.layoutJob = null;
      done();
      return;
    }
    var self = this;
    var job = createLayout(payload.nodes, edges, this.positions);
    this.layoutJob = job;
    var tick = function () {
      if (self.layoutJob !== job) return; // superseded by a newer load
      if (job.step(40)) {
        self.layoutJob = null;
        self.positions = job.result();
        self.layoutKey = key;
        done();
      } else {
        setTimeout(tick, 0);
      }
    };
    tick();
  };

  // ------------------------------------------------------------------------------------------ drawing

  EgideMap.prototype.readColors = function () {
    if (this.colors) return this.colors;
    var style = window.getComputedStyle(this.root);
    var read = function (name, fallback) { return (style.getPropertyValue(name) || '').trim() || fallback; };
    var colors = {
      families: {},
      types: {},
      dashes: {},
      text: read('--pico-color', '#373c44'),
      muted: read('--pico-muted-color', '#646b79'),
      background: read('--pico-background-color', '#ffffff'),
      card: read('--pico-card-background-color', '#ffffff'),
      border: read('--pico-muted-border-color', '#e7eaf0'),
      disputed: read('--map-disputed-ring', '#1f2933'),
      selected: read('--map-selected-ring', '#1f2933'),
      highlight: read('--map-highlight-ring', '#1f2933'),
      glow: read('--map-highlight-glow', 'rgba(234, 179, 8, 0.95)'),
      unknownFamily: read('--family-unknown', '#8a8f98'),
      unknownType: read('--rel-unknown', '#9a9a9a')
    };
    var familyCodes = this.checkboxes('map-family').map(function (box) { return box.value; });
    FAMILY_ORDER.concat(familyCodes).forEach(function (code) {
      colors.families[code] = read('--family-' + code, colors.unknownFamily);
    });
    var typeCodes = this.checkboxes('map-type').map(function (box) { return box.value; });
    TYPE_ORDER.concat(typeCodes).forEach(function (code) {
      colors.types[code] = read('--rel-' + code, colors.unknownType);
      var dash = read('--rel-' + code + '-dash', 'none');
      var numbers = dash === 'none' ? [] : dash.split(/[\s,]+/).map(Number).filter(function (v) { return v > 0; });
      colors.dashes[code] = numbers.length ? numbers : 'solid';
    });
    this.colors = colors;
    return colors;
  };

  EgideMap.prototype.checkboxes = function (name) {
    return Array.prototype.slice.call(this.root.querySelectorAll('input[type="checkbox"][name="' + name + '"]'));
  };

  EgideMap.prototype.filters = function () {
    var read = function (boxes) {
      var all = new Set();
      var on = new Set();
      boxes.forEach(function (box) { all.add(box.value); if (box.checked) on.add(box.value); });
      return { all: all, on: on };
    };
    return { families: read(this.checkboxes('map-family')), types: read(this.checkboxes('map-type')) };
  };

  EgideMap.prototype.isNodeShown = function (node, filters) {
    var f = filters.families;
    return f.on.has(node.family) || !f.all.has(node.family);
  };

  EgideMap.prototype.familyColor = function (code) {
    var colors = this.readColors();
    return colors.families[code] || colors.unknownFamily;
  };

  EgideMap.prototype.render = function (options) {
    options = options || {};
    if (!this.data || this.layoutJob) return; // rendered when the layout is ready
    var self = this;
    var colors = this.readColors();
    var filters = this.filters();
    var large = this.large;

    var visibleNodes = this.data.nodes.filter(function (node) { return self.isNodeShown(node, filters); });
    var indexById = new Map();
    visibleNodes.forEach(function (node, i) { indexById.set(String(node.id), i); });
    var visibleEdges = this.data.edges.filter(function (edge) {
      var typeOn = filters.types.on.has(edge.type) || !filters.types.all.has(edge.type);
      return typeOn && edge.source !== edge.target &&
        indexById.has(String(edge.source)) && indexById.has(String(edge.target));
    });
    var lit = this.highlightState();
    if (lit) {
      // Highlighted relationships last, so that they are drawn over the others.
      visibleEdges = visibleEdges.filter(function (edge) { return !lit.edges.has(String(edge.id)); })
        .concat(visibleEdges.filter(function (edge) { return lit.edges.has(String(edge.id)); }));
    }
    var degree = new Map();
    visibleEdges.forEach(function (edge) {
      var s = String(edge.source);
      var t = String(edge.target);
      degree.set(s, (degree.get(s) || 0) + 1);
      degree.set(t, (degree.get(t) || 0) + 1);
    });


    // Stretch the layout (not the symbols) towards the shape of the canvas, within reason.
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    visibleNodes.forEach(function (node) {
      var p = self.positions.get(String(node.id)) || [0, 0];
      if (p[0] < minX) minX = p[0]; if (p[0] > maxX) maxX = p[0];
      if (p[1] < minY) minY = p[1]; if (p[1] > maxY) maxY = p[1];
    });
    var sx = 1, sy = 1;
    var boxAspect = (maxX - minX) / (maxY - minY);
    var viewAspect = Math.max(1, this.chart.getWidth() - 144) / Math.max(1, this.chart.getHeight() - 80);
    if (isFinite(boxAspect) && boxAspect > 0) {
      if (boxAspect < viewAspect) sx = Math.min(viewAspect / boxAspect, 1.8);
      else sy = Math.min(boxAspect / viewAspect, 1.8);
    }
    var renderPositions = new Map();

    var nodeData = visibleNodes.map(function (node) {
      var id = String(node.id);
      var raw = self.positions.get(id) || [0, 0];
      var position = [raw[0] * sx, raw[1] * sy];
      renderPositions.set(id, position);
      var deg = degree.get(id) || 0;
      var size = large ? Math.min(18, 4 + 1.2 * Math.sqrt(deg)) : Math.min(48, 14 + 5 * Math.sqrt(deg));
      var statutory = node.statutory !== false;
      var disputed = !!node.legitimacy_disputed;
      var item = {
        id: id,
        name: shortLabel(node),
        value: deg,
        x: position[0],
        y: position[1],
        symbol: statutory ? 'circle' : 'diamond',
        symbolSize: statutory ? size : Math.round(size * 1.25),
        itemStyle: {
          color: self.familyColor(node.family),
          borderColor: disputed ? colors.disputed : colors.background,
          borderWidth: disputed ? 2.5 : (large ? 0.5 : 1.5),
          borderType: disputed ? [4, 3] : 'solid'
        }
      };
      if (lit && lit.nodes.has(id)) {
        item.symbolSize = Math.round(item.symbolSize * 1.2);
        item.itemStyle.borderColor = colors.highlight;
        item.itemStyle.borderWidth = large ? 2 : 3;
        item.itemStyle.shadowBlur = large ? 10 : 16;
        item.itemStyle.shadowColor = colors.glow;
        item.label = { show: true, fontWeight: 'bold' };
      } else if (lit) {
        item.itemStyle.opacity = HIGHLIGHT_FADE + 0.1;
        item.label = { opacity: 0.45 };
      }
      return item;
    });
    if (!large) {
      var scale = Math.min(Math.max(1, this.chart.getWidth() - 144) / ((maxX - minX) * sx || 1),
        Math.max(1, this.chart.getHeight() - 80) / ((maxY - minY) * sy || 1));
      separate(nodeData, scale);
      nodeData.forEach(function (item) { renderPositions.set(item.id, [item.x, item.y]); });
    }

    var linkData = visibleEdges.map(function (edge) {
      var width = (STRENGTH_WIDTH[edge.strength] || STRENGTH_WIDTH.moderate) * (large ? 0.6 : 1);
      var ended = edge.ongoing === false;
      var opacity = ended ? (large ? 0.15 : 0.3) : (large ? 0.4 : 0.85);
      if (lit) {
        if (lit.edges.has(String(edge.id))) {
          opacity = 1;
          width = width * 1.6 + 1;
        } else {
          opacity *= HIGHLIGHT_FADE;
        }
      }
      return {
        id: 'e' + edge.id,
        source: String(edge.source),
        target: String(edge.target),
        value: STRENGTH_PULL[edge.strength] || 1,
        symbolSize: [0, large ? 5 : 6 + width * 1.6],
        lineStyle: {
          color: colors.types[edge.type] || colors.unknownType,
          type: colors.dashes[edge.type] || [4, 4],
          width: width,
          opacity: opacity
        }
      };
    });

    this.visibleNodes = visibleNodes;
    this.visibleEdges = visibleEdges;
    this.renderPositions = renderPositions;
    this.indexById = indexById;
    this.layer = large ? this.buildLayer(visibleEdges, nodeData, linkData, lit) : null;
    if (large) linkData = [];

    var series = {
      id: SERIES_ID,
      type: 'graph',
      layout: 'none',
      preserveAspect: true,
      roam: true,
      scaleLimit: { min: 0.2, max: large ? 60 : 8 },
      draggable: !large,
      cursor: 'pointer',
      left: 72,
      right: 72,
      top: 36,
      bottom: 44,
      nodeScaleRatio: large ? NODE_SCALE_RATIO_LARGE : NODE_SCALE_RATIO,
      selectedMode: 'single',
      autoCurveness: large ? false : 8,
      edgeSymbol: ['none', 'arrow'],
      label: {
        show: !large, // a large map gets its names from the edge layer (see drawLabels)
        position: 'bottom',
        distance: 4,
        fontSize: 11,
        color: colors.text,
        textBorderColor: colors.background,
        textBorderWidth: 3,
        formatter: '{b}'
      },
      labelLayout: { hideOverlap: true },
      edgeLabel: { show: false },
      lineStyle: { curveness: 0 },
      emphasis: {
        focus: large ? 'none' : 'adjacency',
        scale: large ? 1.6 : 1.15,
        label: { show: true, fontWeight: 'bold' },
        lineStyle: { opacity: 1 }
      },
      blur: {
        itemStyle: { opacity: 0.18 },
        lineStyle: { opacity: 0.06 },
        label: { opacity: 0.25 }
      },
      select: {
        itemStyle: {
          borderColor: colors.selected,
          borderWidth: large ? 3 : 4,
          borderType: 'solid',
          shadowBlur: 12,
          shadowColor: 'rgba(0, 0, 0, 0.35)'
        },
        label: { show: true, fontWeight: 'bold' }
      },
      data: nodeData,
      links: linkData
    };
    if (options.fit) {
      series.zoom = 1;
      series.center = null;
      this.zoom = 1;
    }

    this.chart.setOption({
      animation: !large,
      animationDuration: 400,
      animationDurationUpdate: 250,
      backgroundColor: 'transparent',
      textStyle: { fontFamily: window.getComputedStyle(this.root).fontFamily },
      tooltip: {
        trigger: 'item',
        confine: true,
        enterable: false,
        showDelay: 40,
        transitionDuration: 0.1,
        backgroundColor: colors.card,
        borderColor: colors.border,
        borderWidth: 1,
        padding: [6, 10],
        textStyle: { color: colors.text, fontSize: 12 },
        formatter: function (params) { return self.tooltip(params); }
      },
      series: [series]
    }, { lazyUpdate: false });
    this.hideEdgeTip();
    this.drawLayer();

    // Status, counters and hooks for tests.
    var total = this.data.nodes.length;
    if (!total) {
      this.showStatus('empty', this.text('empty'));
    } else if (!visibleNodes.length) {
      this.showStatus('filtered', this.text('filtered-out'));
    } else {
      this.showStatus(null);
    }
    this.note.hidden = !(large && total);
    this.note.textContent = large ? this.text('large') : '';
    this.counts.textContent = total ? this.text('counts', {
      nodes: visibleNodes.length,
      total_nodes: total,
      edges: visibleEdges.length,
      total_edges: this.data.edges.length
    }) : '';
    this.root.dataset.nodeCount = String(visibleNodes.length);
    this.root.dataset.edgeCount = String(visibleEdges.length);
    this.root.dataset.large = large ? 'true' : 'false';
    this.root.dataset.highlightNodes = String(lit ? nodeData.filter(function (item) { return lit.nodes.has(item.id); }).length : 0);
    this.root.dataset.highlightEdges = String(lit ? visibleEdges.filter(function (edge) { return lit.edges.has(String(edge.id)); }).length : 0);
    this.setState(total ? 'ready' : 'empty');
    if (this.frameHighlight && lit) {
      this.frameHighlight = false;
      this.frameNodes(lit.nodes);
    }

    // Keep the selected actor, if it still exists.
    if (this.selectedId != null) {
      var selected = this.nodesById.get(this.selectedId);
      if (selected) {
        this.fillCard(selected);
        this.markSelected();
      } else {
        this.closeCard({ keepFocus: true });
      }
    }
  };

  EgideMap.prototype.periodText = function (edge) {
    var start = (edge.start || '').trim();
    var end = (edge.end || '').trim();
    if (edge.ongoing !== false) return start ? start + ' – ' + this.text('ongoing') : this.text('ongoing');
    if (start && end) return start + ' – ' + end;
    if (end) return '– ' + end;
    if (start) return start + ' – ' + this.text('ended');
    return this.text('ended');
  };

  EgideMap.prototype.tooltip = function (params) {
    if (params.dataType === 'node') return this.nodeTooltip(this.visibleNodes[params.dataIndex]);
    if (params.dataType === 'edge') return this.edgeTooltip(this.visibleEdges[params.dataIndex]);
    return '';
  };

  EgideMap.prototype.nodeTooltip = function (node) {
    if (!node) return '';
    var id = String(node.id);
    var flags = [];
    if (node.statutory === false) flags.push(this.text('non-statutory'));
    if (node.legitimacy_disputed) flags.push(this.text('legitimacy-disputed'));
    var title = escapeHtml(node.name) + (node.acronym && node.acronym !== node.name ? ' (' + escapeHtml(node.acronym) + ')' : '');
    return '<div class="map-tip"><strong>' + title + '</strong>' +
      '<span class="map-tip-sub">' + escapeHtml([node.kind_label, node.family_label].filter(Boolean).join(' · ')) + '</span>' +
      (flags.length ? '<span class="map-tip-flags">' + escapeHtml(flags.join(' · ')) + '</span>' : '') +
      '<span class="map-tip-sub">' + escapeHtml(this.text('relationships-out')) + ': ' + (this.outgoing.get(id) || []).length +
      ' · ' + escapeHtml(this.text('relationships-in')) + ': ' + (this.incoming.get(id) || []).length + '</span></div>';
  };

  EgideMap.prototype.edgeTooltip = function (edge) {
    if (!edge) return '';
    var source = this.nodesById.get(String(edge.source));
    var target = this.nodesById.get(String(edge.target));
    var details = [
      this.text('period') + ': ' + this.periodText(edge),
      this.text('strength') + ': ' + (this.text('strength-' + edge.strength) || edge.strength || '–'),
      this.text('confidence') + ': ' + (this.text('confidence-' + edge.confidence) || edge.confidence || '–')
    ];
    return '<div class="map-tip"><strong>' + escapeHtml(source ? source.name : edge.source) + '</strong> ' +
      escapeHtml(edge.type_label || edge.type) + ' <strong>' + escapeHtml(target ? target.name : edge.target) + '</strong>' +
      details.map(function (line) { return '<span class="map-tip-sub">' + escapeHtml(line) + '</span>'; }).join('') + '</div>';
  };

  // ------------------------------------------------------------------------------------------ edge layer

  /* Relationships of a large map, grouped by look so that each group is drawn as one canvas path. */
  EgideMap.prototype.buildLayer = function (edges, nodeData, linkData, lit) {
    var sizeById = new Map();
    var positionById = new Map();
    nodeData.forEach(function (item) {
      sizeById.set(item.id, item.symbolSize);
      positionById.set(item.id, [item.x, item.y]);
    });
    var m = edges.length;
    var coords = new Float64Array(m * 4);
    var radius = new Float32Array(m);
    var groupOf = new Int32Array(m);
    var indexByEdge = new Map();
    var groups = [];
    var groupIndex = new Map();
    edges.forEach(function (edge, i) {
      var s = positionById.get(String(edge.source));
      var t = positionById.get(String(edge.target));
      coords[i * 4] = s[0]; coords[i * 4 + 1] = s[1];
      coords[i * 4 + 2] = t[0]; coords[i * 4 + 3] = t[1];
      radius[i] = (sizeById.get(String(edge.target)) || 8) / 2;
      indexByEdge.set(edge.id, i);
      // Hairlines (width 1) are an order of magnitude faster to draw than wider lines: the strength is shown
      // by the opacity here, and by the width for the relationships of the hovered or selected actor.
      var style = linkData[i].lineStyle;
      var alpha = edge.ongoing === false ? 0.18 : edge.strength === 'strong' ? 0.7 : edge.strength === 'weak' ? 0.3 : 0.45;
      if (lit) alpha = Math.round(alpha * HIGHLIGHT_FADE * 1000) / 1000; // the highlighted ones are drawn again on top
      var key = style.color + '|' + style.type + '|' + alpha + '|' + style.width;
      var g = groupIndex.get(key);
      if (g == null) {
        g = groups.length;
        groupIndex.set(key, g);
        groups.push({
          color: style.color,
          dash: Array.isArray(style.type) ? style.type : [],
          width: 1,
          strongWidth: STRENGTH_WIDTH[edge.strength] || STRENGTH_WIDTH.moderate,
          alpha: alpha,
          members: []
        });
      }
      groups[g].members.push(i);
      groupOf[i] = g;
    });
    var labels = nodeData.slice().sort(function (a, b) {
      var la = lit && lit.nodes.has(a.id) ? 1 : 0;
      var lb = lit && lit.nodes.has(b.id) ? 1 : 0;
      return lb - la || b.value - a.value;
    }).map(function (item) {
      return { id: item.id, x: item.x, y: item.y, r: item.symbolSize / 2, text: item.name, lit: !!(lit && lit.nodes.has(item.id)) };
    });
    var litEdges = [];
    if (lit) {
      edges.forEach(function (edge, i) { if (lit.edges.has(String(edge.id))) litEdges.push(i); });
    }
    return {
      edges: edges, coords: coords, radius: radius, groupOf: groupOf, groups: groups, indexByEdge: indexByEdge,
      labels: labels, transform: null, lit: lit, litEdges: litEdges
    };
  };

  EgideMap.prototype.requestLayerDraw = function () {
    var self = this;
    if (!this.layer || this.layerFrame) return;
    this.layerFrame = window.requestAnimationFrame(function () {
      self.layerFrame = null;
      self.drawLayer({ fast: true });
    });
  };

  /*
   * Draws the relationships of a large map.  The full drawing goes to an offscreen cache; while the user pans
   * or zooms (`fast`), the cache is only moved and scaled, and drawn again in full once the movement stops.
   */
  EgideMap.prototype.drawLayer = function (options) {
    var fast = options && options.fast;
    var canvas = this.edgeLayer;
    var layer = this.layer;
    clearTimeout(this.layerTimer);
    if (!layer) {
      [canvas, this.labelLayer].forEach(function (c) {
        if (c.hidden) return;
        c.hidden = true;
        c.width = 0;
        c.height = 0;
      });
      return;
    }
    var width = this.canvas.clientWidth;
    var height = this.canvas.clientHeight;
    var ratio = window.devicePixelRatio || 1;
    var deviceWidth = Math.round(width * ratio);
    var deviceHeight = Math.round(height * ratio);
    [canvas, this.labelLayer].forEach(function (c) {
      if (c.width !== deviceWidth || c.height !== deviceHeight) {
        c.width = deviceWidth;
        c.height = deviceHeight;
        c.style.width = width + 'px';
        c.style.height = height + 'px';
        fast = false;
      }
      c.hidden = false;
    });

    // Data coordinates -> pixels (the graph view only scales and translates).
    var p0 = this.chart.convertToPixel({ seriesId: SERIES_ID }, [0, 0]);
    var p1 = this.chart.convertToPixel({ seriesId: SERIES_ID }, [1, 1]);
    if (!p0 || !p1 || isNaN(p0[0]) || isNaN(p1[0])) return;
    var t = { sx: p1[0] - p0[0], sy: p1[1] - p0[1], tx: p0[0], ty: p0[1], width: width, height: height };
    t.nodeScale = (this.zoom - 1) * NODE_SCALE_RATIO_LARGE + 1;
    layer.transform = t;

    var self = this;
    var cached = layer.cacheTransform;
    if (!fast || !layer.cache || !cached) {
      // Arrowheads and dash patterns only once zoomed in on a readable number of relationships.
      var inView = this.countEdgesInView(t);
      t.arrows = inView <= MAX_DETAILED_EDGES / 2 || (this.zoom >= 2 && inView <= MAX_DETAILED_EDGES);
      var cache = layer.cache || document.createElement('canvas');
      cache.width = deviceWidth;
      cache.height = deviceHeight;
      var cacheCtx = cache.getContext('2d');
      cacheCtx.setTransform(ratio, 0, 0, ratio, 0, 0);
      cacheCtx.clearRect(0, 0, width, height);
      layer.groups.forEach(function (group) {
        self.strokeEdges(cacheCtx, group.members, group, t, group.alpha, group.width, t.arrows);
      });
      layer.cache = cache;
      layer.cacheTransform = cached = t;
    }

    var ctx = canvas.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, deviceWidth, deviceHeight);
    var k = t.sx / cached.sx;
    var offsetX = (t.tx - cached.tx * k) * ratio;
    var offsetY = (t.ty - cached.ty * k) * ratio;
    var moved = Math.abs(k - 1) > 1e-6 || Math.abs(offsetX) > 0.01 || Math.abs(offsetY) > 0.01;
    ctx.drawImage(layer.cache, offsetX, offsetY, layer.cache.width * k, layer.cache.height * k);
    if (moved) {
      // Sharp drawing once the movement stops.
      this.layerTimer = setTimeout(function () { self.drawLayer(); }, 160);
    }

    // Highlighted relationships, then those of the hovered and of the selected actor, on top and fully visible.
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    if (layer.litEdges.length) {
      var litByGroup = new Map();
      layer.litEdges.forEach(function (i) {
        var g = layer.groupOf[i];
        if (!litByGroup.has(g)) litByGroup.set(g, []);
        litByGroup.get(g).push(i);
      });
      litByGroup.forEach(function (members, g) {
        var group = layer.groups[g];
        self.strokeEdges(ctx, members, group, t, 1, group.strongWidth + 1, true);
      });
    }
    [this.selectedId, this.hoverId].forEach(function (id) {
      if (id == null) return;
      var incident = (self.outgoing.get(id) || []).concat(self.incoming.get(id) || []);
      var byGroup = new Map();
      incident.forEach(function (edge) {
        var i = layer.indexByEdge.get(edge.id);
        if (i == null) return;
        var g = layer.groupOf[i];
        if (!byGroup.has(g)) byGroup.set(g, []);
        byGroup.get(g).push(i);
      });
      byGroup.forEach(function (members, g) {
        var group = layer.groups[g];
        self.strokeEdges(ctx, members, group, t, 1, group.strongWidth, true);
      });
    });

    // Names, above the actors.
    var labelCtx = this.labelLayer.getContext('2d');
    labelCtx.setTransform(ratio, 0, 0, ratio, 0, 0);
    labelCtx.clearRect(0, 0, width, height);
    this.drawLabels(labelCtx, t);
  };

  /* Names of the actors of a large map: the most connected first, inside the view, never overlapping. */
  EgideMap.prototype.drawLabels = function (ctx, t) {
    var colors = this.readColors();
    var fontSize = 11;
    ctx.font = fontSize + 'px ' + (window.getComputedStyle(this.root).fontFamily || 'sans-serif');
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.lineJoin = 'round';
    ctx.lineWidth = 3;
    ctx.strokeStyle = colors.background;
    ctx.fillStyle = colors.text;
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
    var cell = 64;
    var buckets = new Map();
    var placed = 0;
    var labels = this.layer.labels;
    var lit = this.layer.lit;
    var limit = Math.min(MAX_LAYER_LABELS, Math.round(50 * this.zoom * this.zoom));
    for (var i = 0; i < labels.length && (placed < limit || labels[i].lit); i++) {
      var label = labels[i];
      if (label.id === this.selectedId || label.id === this.hoverId) continue;
      if (lit) {
        // Highlighted names first and in bold (they come first in the list), the others faded.
        ctx.font = (label.lit ? 'bold ' : '') + fontSize + 'px ' + (window.getComputedStyle(this.root).fontFamily || 'sans-serif');
        ctx.globalAlpha = label.lit ? 1 : 0.45;
      }
      var x = label.x * t.sx + t.tx;
      var y = label.y * t.sy + t.ty + label.r * t.nodeScale + 3;
      if (x < -50 || x > t.width + 50 || y < -20 || y > t.height + 5) continue;
      var w = ctx.measureText(label.text).width + 4;
      var box = [x - w / 2, y, x + w / 2, y + fontSize + 2];
      var c0 = Math.floor(box[0] / cell), c1 = Math.floor(box[2] / cell);
      var r0 = Math.floor(box[1] / cell), r1 = Math.floor(box[3] / cell);
      var clash = false;
      var cx, cy;
      for (cx = c0; cx <= c1 && !clash; cx++) {
        for (cy = r0; cy <= r1 && !clash; cy++) {
          var list = buckets.get(cx + ':' + cy);
          if (!list) continue;
          for (var j = 0; j < list.length; j++) {
            var o = list[j];
            if (box[0] < o[2] && box[2] > o[0] && box[1] < o[3] && box[3] > o[1]) { clash = true; break; }
          }
        }
      }
      if (clash) continue;
      for (cx = c0; cx <= c1; cx++) {
        for (cy = r0; cy <= r1; cy++) {
          var key = cx + ':' + cy;
          if (!buckets.has(key)) buckets.set(key, []);
          buckets.get(key).push(box);
        }
      }
      ctx.strokeText(label.text, x, y);
      ctx.fillText(label.text, x, y);
      placed += 1;
    }
    ctx.globalAlpha = 1;
  };

  EgideMap.prototype.countEdgesInView = function (t) {
    var coords = this.layer.coords;
    var count = 0;
    for (var i = 0, m = this.layer.edges.length; i < m; i++) {
      var x1 = coords[i * 4] * t.sx + t.tx;
      var y1 = coords[i * 4 + 1] * t.sy + t.ty;
      var x2 = coords[i * 4 + 2] * t.sx + t.tx;
      var y2 = coords[i * 4 + 3] * t.sy + t.ty;
      if ((x1 < 0 && x2 < 0) || (y1 < 0 && y2 < 0) || (x1 > t.width && x2 > t.width) || (y1 > t.height && y2 > t.height)) continue;
      count += 1;
    }
    return count;
  };

  EgideMap.prototype.strokeEdges = function (ctx, members, group, t, alpha, lineWidth, arrows) {
    var coords = this.layer.coords;
    var radius = this.layer.radius;
    var head = 4 + lineWidth * 1.5;
    var tips = arrows ? [] : null;
    ctx.globalAlpha = alpha;
    ctx.strokeStyle = group.color;
    ctx.fillStyle = group.color;
    ctx.lineWidth = lineWidth;
    ctx.setLineDash(t.arrows ? group.dash : []);
    ctx.beginPath();
    for (var k = 0; k < members.length; k++) {
      var i = members[k];
      var x1 = coords[i * 4] * t.sx + t.tx;
      var y1 = coords[i * 4 + 1] * t.sy + t.ty;
      var x2 = coords[i * 4 + 2] * t.sx + t.tx;
      var y2 = coords[i * 4 + 3] * t.sy + t.ty;
      if ((x1 < 0 && x2 < 0) || (y1 < 0 && y2 < 0) || (x1 > t.width && x2 > t.width) || (y1 > t.height && y2 > t.height)) continue;
      if (arrows) {
        var dx = x2 - x1;
        var dy = y2 - y1;
        var length = Math.sqrt(dx * dx + dy * dy);
        var r = radius[i] * t.nodeScale;
        if (length > r + head) {
          var ux = dx / length;
          var uy = dy / length;
          x2 -= ux * r;
          y2 -= uy * r;
          tips.push(x2, y2, ux, uy);
          x2 -= ux * head * 0.8;
          y2 -= uy * head * 0.8;
        }
      }
      ctx.moveTo(x1, y1);
      ctx.lineTo(x2, y2);
    }
    ctx.stroke();
    if (tips && tips.length) {
      ctx.setLineDash([]);
      ctx.beginPath();
      for (var j = 0; j < tips.length; j += 4) {
        var x = tips[j], y = tips[j + 1], u = tips[j + 2], v = tips[j + 3];
        ctx.moveTo(x, y);
        ctx.lineTo(x - u * head - v * head * 0.45, y - v * head + u * head * 0.45);
        ctx.lineTo(x - u * head + v * head * 0.45, y - v * head - u * head * 0.45);
        ctx.closePath();
      }
      ctx.fill();
    }
    ctx.globalAlpha = 1;
  };

  /* Tooltip of the relationship nearest to the pointer (large maps, whose relationships ECharts does not draw). */
  EgideMap.prototype.edgeTipAt = function (px, py) {
    var layer = this.layer;
    var t = layer && layer.transform;
    if (!t) return;
    var coords = layer.coords;
    var best = -1;
    var bestDistance = EDGE_HIT_DISTANCE * EDGE_HIT_DISTANCE;
    for (var i = 0, m = layer.edges.length; i < m; i++) {
      var x1 = coords[i * 4] * t.sx + t.tx;
      var y1 = coords[i * 4 + 1] * t.sy + t.ty;
      var x2 = coords[i * 4 + 2] * t.sx + t.tx;
      var y2 = coords[i * 4 + 3] * t.sy + t.ty;
      if (px < Math.min(x1, x2) - EDGE_HIT_DISTANCE || px > Math.max(x1, x2) + EDGE_HIT_DISTANCE ||
        py < Math.min(y1, y2) - EDGE_HIT_DISTANCE || py > Math.max(y1, y2) + EDGE_HIT_DISTANCE) continue;
      var dx = x2 - x1;
      var dy = y2 - y1;
      var l2 = dx * dx + dy * dy;
      var u = l2 ? Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / l2)) : 0;
      var ex = x1 + u * dx - px;
      var ey = y1 + u * dy - py;
      var d2 = ex * ex + ey * ey;
      if (d2 <= bestDistance) { bestDistance = d2; best = i; }
    }
    if (best < 0) { this.hideEdgeTip(); return; }
    this.edgeTip.innerHTML = this.edgeTooltip(layer.edges[best]);
    this.edgeTip.hidden = false;
    var tipWidth = this.edgeTip.offsetWidth;
    var tipHeight = this.edgeTip.offsetHeight;
    var left = px + 14 + tipWidth > t.width ? Math.max(0, px - 14 - tipWidth) : px + 14;
    var top = py + 14 + tipHeight > t.height ? Math.max(0, py - 14 - tipHeight) : py + 14;
    this.edgeTip.style.left = left + 'px';
    this.edgeTip.style.top = top + 'px';
  };

  EgideMap.prototype.hideEdgeTip = function () {
    if (this.edgeTip && !this.edgeTip.hidden) this.edgeTip.hidden = true;
  };

  // ------------------------------------------------------------------------------------------ view

  EgideMap.prototype.fit = function () {
    this.zoom = 1;
    this.chart.setOption({ series: [{ id: SERIES_ID, zoom: 1, center: null }] });
    this.drawLayer();
  };

  EgideMap.prototype.centerOn = function (id) {
    var index = this.indexById.get(String(id));
    var position = this.renderPositions && this.renderPositions.get(String(id));
    if (index == null || !position) return;
    var pixel = this.chart.convertToPixel({ seriesId: SERIES_ID }, position);
    if (!pixel || isNaN(pixel[0])) return;
    var cx = this.chart.getWidth() / 2;
    var cy = this.chart.getHeight() / 2;
    this.chart.dispatchAction({ type: 'graphRoam', seriesId: SERIES_ID, dx: cx - pixel[0], dy: cy - pixel[1] });
    if (this.large && this.zoom < FOCUS_ZOOM_LARGE) {
      var factor = FOCUS_ZOOM_LARGE / this.zoom;
      this.chart.dispatchAction({ type: 'graphRoam', seriesId: SERIES_ID, zoom: factor, originX: cx, originY: cy });
    }
  };

  EgideMap.prototype.markSelected = function () {
    var index = this.selectedId == null ? null : this.indexById.get(this.selectedId);
    if (index == null) {
      this.chart.dispatchAction({ type: 'unselect', seriesId: SERIES_ID, dataType: 'node', dataIndex: this.allNodeIndices() });
      this.requestLayerDraw();
      return;
    }
    this.chart.dispatchAction({ type: 'select', seriesId: SERIES_ID, dataType: 'node', dataIndex: index });
    this.requestLayerDraw();
  };

  EgideMap.prototype.allNodeIndices = function () {
    var indices = [];
    for (var i = 0; i < this.visibleNodes.length; i++) indices.push(i);
    return indices;
  };

  // ------------------------------------------------------------------------------------------ highlight

  /* The highlighted ids that are on the map: the actors asked for, and the two ends of each relationship. */
  EgideMap.prototype.highlightState = function () {
    if (!this.highlighted || !this.data) return null;
    var self = this;
    var nodes = new Set();
    var edges = new Set();
    this.highlighted.nodes.forEach(function (id) { if (self.nodesById.has(id)) nodes.add(id); });
    this.highlighted.edges.forEach(function (id) {
      var edge = self.edgesById.get(id);
      if (!edge) return;
      edges.add(id);
      nodes.add(String(edge.source));
      nodes.add(String(edge.target));
    });
    return { nodes: nodes, edges: edges };
  };

  /*
   * Bring out these actors and relationships (ids, as numbers or strings) and fade the rest; their families and
   * relationship types are shown again if the filters hid them.  The view moves to them unless
   * options.frame is false.  Kept when the map is reloaded, until clearHighlight().  Returns whether any of
   * them is known (before the data is loaded: whether any was given; it applies once the map is drawn).
   */
  EgideMap.prototype.highlight = function (nodeIds, edgeIds, options) {
    options = options || {};
    var nodes = new Set();
    var edges = new Set();
    (nodeIds || []).forEach(function (id) { if (id != null && id !== '') nodes.add(String(id)); });
    (edgeIds || []).forEach(function (id) { if (id != null && id !== '') edges.add(String(id)); });
    if (!nodes.size && !edges.size) {
      this.clearHighlight();
      return false;
    }
    this.highlighted = { nodes: nodes, edges: edges };
    this.frameHighlight = options.frame !== false;
    if (!this.data || this.layoutJob) return true; // drawn with the highlight once loaded and laid out
    var lit = this.highlightState();
    if (!lit.nodes.size) {
      this.frameHighlight = false;
      this.render();
      return false;
    }
    this.revealHighlighted(lit);
    this.render();
    return true;
  };

  EgideMap.prototype.clearHighlight = function () {
    if (!this.highlighted) return;
    this.highlighted = null;
    this.frameHighlight = false;
    if (this.data && !this.layoutJob) this.render();
  };

  /* Tick the families and relationship types that the highlighted actors and relationships belong to. */
  EgideMap.prototype.revealHighlighted = function (lit) {
    var self = this;
    var families = new Set();
    var types = new Set();
    lit.nodes.forEach(function (id) { families.add(self.nodesById.get(id).family); });
    lit.edges.forEach(function (id) { types.add(self.edgesById.get(id).type); });
    this.checkboxes('map-family').forEach(function (box) { if (families.has(box.value)) box.checked = true; });
    this.checkboxes('map-type').forEach(function (box) { if (types.has(box.value)) box.checked = true; });
  };

  /* Move and zoom the view so that these actors are in the middle of it. */
  EgideMap.prototype.frameNodes = function (ids) {
    var self = this;
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    var count = 0;
    ids.forEach(function (id) {
      var position = self.renderPositions && self.renderPositions.get(id);
      if (!position || !self.indexById.has(id)) return;
      var pixel = self.chart.convertToPixel({ seriesId: SERIES_ID }, position);
      if (!pixel || isNaN(pixel[0])) return;
      count += 1;
      if (pixel[0] < minX) minX = pixel[0]; if (pixel[0] > maxX) maxX = pixel[0];
      if (pixel[1] < minY) minY = pixel[1]; if (pixel[1] > maxY) maxY = pixel[1];
    });
    if (!count) return;
    var width = this.chart.getWidth();
    var height = this.chart.getHeight();
    var cx = width / 2;
    var cy = height / 2;
    this.chart.dispatchAction({ type: 'graphRoam', seriesId: SERIES_ID, dx: cx - (minX + maxX) / 2, dy: cy - (minY + maxY) / 2 });
    var factor = Math.min(Math.max(1, width - 240) / Math.max(maxX - minX, 1), Math.max(1, height - 160) / Math.max(maxY - minY, 1));
    var target = Math.max(1, Math.min(this.zoom * factor, this.large ? FOCUS_ZOOM_LARGE * 2 : HIGHLIGHT_ZOOM_MAX));
    var ratio = target / this.zoom;
    if (Math.abs(ratio - 1) > 0.02) {
      this.chart.dispatchAction({ type: 'graphRoam', seriesId: SERIES_ID, zoom: ratio, originX: cx, originY: cy });
    }
    this.drawLayer();
  };

  // ------------------------------------------------------------------------------------------ selection

  /* What a click on an actor does: open its card and mark it on the map.  Returns false for an unknown id. */
  EgideMap.prototype.selectNode = function (id, options) {
    options = options || {};
    var key = String(id);
    var node = this.nodesById.get(key);
    if (!node) return false;
    if (!this.indexById.has(key)) {
      // Hidden by the family filter: show its family again (an explicit request to see this actor).
      var box = this.checkboxes('map-family').filter(function (b) { return b.value === node.family; })[0];
      if (box && !box.checked) {
        box.checked = true;
        this.render();
      }
    }
    var previous = this.selectedId;
    this.selectedId = key;
    if (this.card.hidden || previous == null) {
      var active = document.activeElement;
      this.returnFocus = active && active !== document.body && !this.card.contains(active) ? active : null;
    }
    this.fillCard(node);
    this.card.hidden = false;
    this.markSelected();
    if (options.fromClick) {
      // ECharts toggles the selection on click after our handler; make sure the actor stays selected.
      var self = this;
      setTimeout(function () { if (self.selectedId === key) self.markSelected(); }, 0);
    }
    // Keyboard paths (search, links in the card) move the focus to the card; a click on the canvas does not.
    if (!options.fromClick) this.cardTitle.focus({ preventScroll: true });
    this.revealCard();
    return true;
  };

  /* Select an actor and bring it to the middle of the map (search results, links in the card). */
  EgideMap.prototype.focusNode = function (id) {
    if (!this.selectNode(id)) return false;
    this.centerOn(id);
    // Bring out the actor and its neighbours (until the pointer hovers something else).
    var index = this.indexById.get(String(id));
    this.chart.dispatchAction({ type: 'downplay', seriesId: SERIES_ID });
    if (index != null) this.chart.dispatchAction({ type: 'highlight', seriesId: SERIES_ID, dataType: 'node', dataIndex: index });
    return true;
  };

  EgideMap.prototype.revealCard = function () {
    // On narrow screens the card sits below the map: scroll it into view if it is off screen.
    var rect = this.card.getBoundingClientRect();
    var canvasRect = this.canvas.getBoundingClientRect();
    if (rect.top >= canvasRect.bottom - 1 && rect.top > window.innerHeight - 80) {
      this.card.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    }
  };

  EgideMap.prototype.closeCard = function (options) {
    options = options || {};
    var hadFocus = this.card.contains(document.activeElement);
    this.card.hidden = true;
    this.selectedId = null;
    this.markSelected();
    if (!options.keepFocus && hadFocus) {
      var target = this.returnFocus && document.body.contains(this.returnFocus) ? this.returnFocus : this.search;
      target.focus({ preventScroll: true });
    }
    this.returnFocus = null;
  };

  EgideMap.prototype.actorUrl = function (id) {
    var template = this.actorUrlTemplate;
    var i = template.lastIndexOf('/0/');
    if (i >= 0) return template.slice(0, i) + '/' + encodeURIComponent(id) + '/' + template.slice(i + 3);
    if (/\/0$/.test(template)) return template.slice(0, -1) + encodeURIComponent(id);
    return template.replace('0', encodeURIComponent(id));
  };

  EgideMap.prototype.fillCard = function (node) {
    var self = this;
    var id = String(node.id);
    this.card.style.setProperty('--family-color', this.familyColor(node.family));
    this.cardTitle.textContent = node.name || node.acronym || node.reference || id;

    var sub = el('p', { className: 'map-card-sub' }, [
      el('span', { className: 'family-badge family-' + node.family, text: node.family_label || node.family }),
      node.kind_label ? el('span', { text: node.kind_label }) : null,
      node.statutory === false ? el('span', { className: 'map-flag', text: this.text('non-statutory') }) : null,
      node.legitimacy_disputed ? el('span', { className: 'map-flag', text: this.text('legitimacy-disputed') }) : null
    ]);

    var rows = [];
    var row = function (label, value) {
      if (value == null || value === '') return;
      rows.push(el('dt', { text: label }));
      rows.push(el('dd', null, [value]));
    };
    if (node.acronym && node.acronym !== node.name) row(this.text('acronym'), node.acronym);
    if (node.reference && node.reference !== node.acronym) row(this.text('reference'), node.reference);
    row(this.text('kind'), node.kind_label || node.kind);
    row(this.text('family'), node.family_label || node.family);
    row(this.text('statutory'), node.statutory === false ? this.text('no') : this.text('yes'));
    row(this.text('legitimacy'), node.legitimacy_disputed ? this.text('legitimacy-disputed') : this.text('legitimacy-undisputed'));
    row(this.text('confidence'), this.text('confidence-' + node.confidence) || node.confidence);
    if (node.parent != null) {
      var parent = this.nodesById.get(String(node.parent));
      if (parent) row(this.text('part-of'), this.actorButton(parent));
    }

    var relationList = function (edges, outward) {
      if (!edges.length) return el('p', { className: 'map-empty', text: self.text('no-relationships') });
      var sorted = edges.slice().sort(function (a, b) {
        var oa = self.nodesById.get(String(outward ? a.target : a.source));
        var ob = self.nodesById.get(String(outward ? b.target : b.source));
        return typeRank(a.type) - typeRank(b.type) ||
          fold(oa && oa.name).localeCompare(fold(ob && ob.name));
      });
      var items = sorted.slice(0, MAX_RELATIONSHIPS_LISTED).map(function (edge) {
        var other = self.nodesById.get(String(outward ? edge.target : edge.source));
        var type = el('span', { className: 'map-rel-type', text: edge.type_label || edge.type });
        var who = other ? self.actorButton(other) : el('span', { text: String(outward ? edge.target : edge.source) });
        var period = el('span', { className: 'map-rel-period', text: self.periodText(edge) });
        var li = el('li', { className: edge.ongoing === false ? 'is-ended' : null }, [relSwatch(edge.type), type, period, who]);
        li.title = [self.text('strength') + ': ' + (self.text('strength-' + edge.strength) || edge.strength),
          self.text('confidence') + ': ' + (self.text('confidence-' + edge.confidence) || edge.confidence)].join(' · ');
        return li;
      });
      if (sorted.length > MAX_RELATIONSHIPS_LISTED) {
        items.push(el('li', { className: 'map-more', text: self.text('more', { count: sorted.length - MAX_RELATIONSHIPS_LISTED }) }));
      }
      return el('ul', { className: 'map-rels' }, items);
    };
    var out = this.outgoing.get(id) || [];
    var inc = this.incoming.get(id) || [];

    this.cardBody.replaceChildren(
      sub,
      el('dl', null, rows),
      el('h4', { text: this.text('relationships-out') + ' (' + out.length + ')' }),
      relationList(out, true),
      el('h4', { text: this.text('relationships-in') + ' (' + inc.length + ')' }),
      relationList(inc, false),
      el('a', { className: 'map-card-open', href: this.actorUrl(node.id), text: this.text('open-actor') + ' →' })
    );
  };

  EgideMap.prototype.actorButton = function (node) {
    return el('button', {
      type: 'button',
      className: 'map-link',
      'data-node-id': String(node.id),
      title: this.text('go-to', { name: node.name }),
      text: node.acronym && node.acronym !== node.name ? node.name + ' (' + node.acronym + ')' : node.name
    });
  };

  // ------------------------------------------------------------------------------------------ search

  EgideMap.prototype.runSearch = function (options) {
    options = options || {};
    var query = fold(this.search.value);
    this.chart.dispatchAction({ type: 'downplay', seriesId: SERIES_ID });
    if (!query || !this.data) {
      this.matches = [];
      this.searchStatus.textContent = '';
      this.searchStatus.classList.remove('is-empty');
      this.hideResults();
      return;
    }
    var scored = [];
    this.data.nodes.forEach(function (node) {
      var acronym = fold(node.acronym);
      var reference = fold(node.reference);
      var name = fold(node.name);
      var score = -1;
      if (acronym === query || reference === query) score = 0;
      else if (name === query) score = 1;
      else if (acronym.indexOf(query) === 0 || reference.indexOf(query) === 0) score = 2;
      else if (name.indexOf(query) === 0) score = 3;
      else if (name.indexOf(' ' + query) >= 0) score = 4;
      else if (name.indexOf(query) >= 0 || acronym.indexOf(query) >= 0 || reference.indexOf(query) >= 0) score = 5;
      if (score >= 0) scored.push({ node: node, score: score, name: name });
    });
    scored.sort(function (a, b) { return a.score - b.score || a.name.localeCompare(b.name); });
    this.matches = scored.map(function (entry) { return entry.node; });

    if (!this.matches.length) {
      this.searchStatus.textContent = this.text('no-match');
      this.searchStatus.classList.add('is-empty');
      this.hideResults();
      return;
    }
    this.searchStatus.classList.remove('is-empty');
    this.searchStatus.textContent = this.text('matches', { count: this.matches.length });

    var self = this;
    var indices = [];
    this.matches.slice(0, 300).forEach(function (node) {
      var index = self.indexById.get(String(node.id));
      if (index != null) indices.push(index);
    });
    if (indices.length) this.chart.dispatchAction({ type: 'highlight', seriesId: SERIES_ID, dataType: 'node', dataIndex: indices });

    var filters = this.filters();
    var items = this.matches.slice(0, MAX_SEARCH_RESULTS).map(function (node) {
      var hidden = !self.isNodeShown(node, filters);
      var label = node.acronym && node.acronym !== node.name ? node.name + ' (' + node.acronym + ')' : node.name;
      return el('li', null, [el('button', { type: 'button', 'data-node-id': String(node.id) }, [
        el('span', { className: 'family-swatch family-' + node.family, 'aria-hidden': 'true' }),
        el('span', { text: label }),
        el('span', { className: 'map-result-meta', text: hidden ? self.text('hidden-by-filters') : (node.kind_label || '') })
      ])]);
    });
    this.searchResults.replaceChildren.apply(this.searchResults, items);
    if (!options.keepList || !this.searchResults.hidden) this.searchResults.hidden = false;
  };

  EgideMap.prototype.hideResults = function () {
    this.searchResults.hidden = true;
  };

  EgideMap.prototype.chooseMatch = function (id) {
    this.hideResults();
    this.focusNode(id);
  };

  // ------------------------------------------------------------------------------------------ start

  function start(root) {
    if (!root || root.dataset.mapStarted === 'true') return;
    if (!window.echarts) {
      if (window.console) console.error('Égide map: ECharts is not loaded.');
      return;
    }
    root.dataset.mapStarted = 'true';
    if (window.egideMap && window.egideMap.instance && !document.body.contains(window.egideMap.instance.root)) {
      window.egideMap.instance.destroy();
    }
    var map = new EgideMap(root);
    window.egideMap = {
      chart: map.chart,
      instance: map,
      selectNode: function (id) { return map.selectNode(id, { fromClick: true }); },
      focusNode: function (id) { return map.focusNode(id); },
      reload: function () { map.load({ quiet: true }); },
      fit: function () { map.fit(); },
      highlight: function (nodeIds, edgeIds, options) { return map.highlight(nodeIds, edgeIds, options); },
      clearHighlight: function () { map.clearHighlight(); }
    };
  }

  function startAll(scope) {
    var root = scope && scope.querySelector ? (scope.id === 'map' ? scope : scope.querySelector('#map')) : null;
    start(root || document.getElementById('map'));
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { startAll(document); });
  } else {
    startAll(document);
  }
  // Content swapped in by HTMX (e.g. a boosted navigation to a country page).
  document.addEventListener('htmx:load', function (event) { startAll(event.target); });
})();
