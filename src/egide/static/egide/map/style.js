// How actors and relationships look: colours and dash patterns come from map.css's custom properties, so that the
// legend, the badges and the map agree; the rest is Cytoscape's stylesheet.

export const STRENGTH_WIDTH = { weak: 1.2, moderate: 2.2, strong: 3.6 };

export function readColors(root) {
  const style = window.getComputedStyle(root);
  const read = (name, fallback) => (style.getPropertyValue(name) || '').trim() || fallback;
  const colors = {
    text: read('--pico-color', '#373c44'),
    background: read('--pico-background-color', '#ffffff'),
    disputed: read('--map-disputed-ring', '#1f2933'),
    selected: read('--map-selected-ring', '#1f2933'),
    highlight: read('--map-highlight-ring', '#1f2933'),
    glow: read('--map-highlight-glow', '#eab308'),
    unknownFamily: read('--family-unknown', '#8a8f98'),
    unknownType: read('--rel-unknown', '#9a9a9a'),
    fontFamily: style.fontFamily || 'sans-serif',
    family: (code) => read(`--family-${code}`, colors.unknownFamily),
    type: (code) => read(`--rel-${code}`, colors.unknownType),
    dash(code) {
      const dash = read(`--rel-${code}-dash`, '4 4');
      return dash === 'none' ? null : dash.split(/[\s,]+/).map(Number).filter((v) => v > 0);
    },
  };
  return colors;
}

/* Size of an actor's symbol from its number of relationships. */
export function nodeSize(degree, large) {
  return large ? Math.min(18, 5 + 1.2 * Math.sqrt(degree)) : Math.min(44, 16 + 4.5 * Math.sqrt(degree));
}

/*
 * Cytoscape's stylesheet. Families, relationship types and strengths are classes with fixed values (not values
 * read from each element's data), so that Cytoscape computes each look once and not once per element.
 */
export function stylesheet(colors, large, { families, types }) {
  const scale = large ? 0.5 : 1;
  return [
    {
      selector: 'node',
      style: {
        width: 'data(size)',
        height: 'data(size)',
        shape: 'ellipse',
        'background-color': colors.unknownFamily,
        'border-width': large ? 0.5 : 1.5,
        'border-color': colors.background,
        label: 'data(label)',
        'font-family': colors.fontFamily,
        'font-size': large ? 11 : 12,
        color: colors.text,
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'text-outline-color': colors.background,
        'text-outline-width': 2,
        // Whole names, wrapped on two or three lines (the layouts make room for them: no name is cut).
        'text-max-width': large ? '120px' : '110px',
        'text-wrap': large ? 'ellipsis' : 'wrap',
        // On a large map the names appear as one zooms in (never an unreadable carpet of them).
        'min-zoomed-font-size': large ? 9 : 4,
        'overlay-opacity': 0,
      },
    },
    ...families.map((code) => ({ selector: `node.f-${code}`, style: { 'background-color': colors.family(code) } })),
    { selector: 'node.non-statutory', style: { shape: 'diamond' } },
    // The boxes of the grouped layout: one per family, named at the top, tinted with the family's colour.
    {
      selector: 'node.family-group',
      style: {
        shape: 'round-rectangle',
        'background-opacity': 0.07,
        'border-width': 1.5,
        'border-style': 'solid',
        'border-opacity': 0.8,
        label: 'data(label)',
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -4,
        'text-wrap': 'none',
        'text-max-width': '400px',
        'font-weight': 'bold',
        'font-size': 13,
        padding: 18,
        'min-zoomed-font-size': 0,
      },
    },
    ...families.map((code) => ({ selector: `node.family-group.f-${code}`, style: { 'border-color': colors.family(code) } })),
    {
      selector: 'node.disputed',
      style: { 'border-width': 2.5, 'border-color': colors.disputed, 'border-style': 'dashed' },
    },
    {
      selector: 'edge',
      style: {
        width: STRENGTH_WIDTH.moderate * scale,
        'line-color': colors.unknownType,
        'target-arrow-color': colors.unknownType,
        'target-arrow-shape': 'triangle',
        'arrow-scale': large ? 0.6 : 0.9,
        'curve-style': large ? 'straight' : 'bezier',
        opacity: large ? 0.45 : 0.85,
        'overlay-opacity': 0,
      },
    },
    ...types.map((code) => {
      const dash = colors.dash(code);
      const style = { 'line-color': colors.type(code), 'target-arrow-color': colors.type(code) };
      if (dash) Object.assign(style, { 'line-style': 'dashed', 'line-dash-pattern': dash });
      return { selector: `edge.t-${code}`, style };
    }),
    ...Object.entries(STRENGTH_WIDTH).map(([code, width]) => ({ selector: `edge.s-${code}`, style: { width: width * scale } })),
    { selector: 'edge.ended', style: { opacity: large ? 0.15 : 0.3 } },
    { selector: 'edge.aside', style: { opacity: 0.2, width: 1 } },
    // Highlight of a governance finding: the finding's actors and relationships stand out, the rest fades.
    { selector: '.faded', style: { opacity: 0.15, 'text-opacity': 0.45 } },
    { selector: 'edge.faded', style: { opacity: 0.07 } },
    {
      selector: 'node.lit',
      style: {
        'border-color': colors.highlight,
        'border-width': 3,
        'border-style': 'solid',
        'underlay-color': colors.glow,
        'underlay-padding': 6,
        'underlay-opacity': 0.7,
        'underlay-shape': 'ellipse',
        'font-weight': 'bold',
        'min-zoomed-font-size': 0,
        'z-index': 20,
      },
    },
    { selector: 'edge.lit', style: { opacity: 1, 'z-index': 20 } },
    ...Object.entries(STRENGTH_WIDTH).map(([code, width]) => ({
      selector: `edge.lit.s-${code}`, style: { width: width * scale * 1.6 + 1 },
    })),
    // The selected actor, its relationships, and what the pointer or the search points at.
    {
      selector: 'node.selected',
      style: {
        'border-color': colors.selected,
        'border-width': 4,
        'border-style': 'solid',
        'font-weight': 'bold',
        'min-zoomed-font-size': 0,
        'z-index': 30,
      },
    },
    { selector: 'edge.adjacent', style: { opacity: 1, 'z-index': 25 } },
    {
      selector: 'node.match',
      style: {
        'underlay-color': colors.selected,
        'underlay-padding': 4,
        'underlay-opacity': 0.25,
        'min-zoomed-font-size': 0,
      },
    },
    { selector: '.filtered', style: { display: 'none' } },
  ];
}

/* Cytoscape's element of an actor. */
export function nodeElement(node, { degree, large, position, label, filtered }) {
  const classes = [`f-${node.family}`];
  if (node.statutory === false) classes.push('non-statutory');
  if (node.legitimacy_disputed) classes.push('disputed');
  if (filtered) classes.push('filtered');
  const size = nodeSize(degree, large);
  return {
    group: 'nodes',
    data: { id: String(node.id), label, size: Math.round(node.statutory === false ? size * 1.25 : size) },
    position: { x: position[0], y: position[1] },
    classes,
  };
}

export function edgeElement(edge, { filtered }) {
  const classes = [`t-${edge.type}`, `s-${edge.strength in STRENGTH_WIDTH ? edge.strength : 'moderate'}`];
  if (edge.ongoing === false) classes.push('ended');
  if (filtered) classes.push('filtered');
  return {
    group: 'edges',
    data: { id: `e${edge.id}`, source: String(edge.source), target: String(edge.target), strength: edge.strength },
    classes,
  };
}
