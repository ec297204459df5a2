// Loading the map (GET data-map-url: {country, nodes, edges}) and indexing it for the other modules.

export async function fetchMap(url, signal) {
  const response = await fetch(url, {
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { Accept: 'application/json' },
    signal,
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const payload = await response.json();
  if (!payload || !Array.isArray(payload.nodes) || !Array.isArray(payload.edges)) throw new Error('Bad map data');
  return payload;
}

/* The map with its indexes; relationships whose ends are not on the map are left out. Ids are strings. */
export function indexMap(payload) {
  const nodesById = new Map(payload.nodes.map((node) => [String(node.id), node]));
  const edges = payload.edges.filter((edge) =>
    nodesById.has(String(edge.source)) && nodesById.has(String(edge.target)));
  const outgoing = new Map();
  const incoming = new Map();
  const degree = new Map();
  for (const edge of edges) {
    const s = String(edge.source);
    const t = String(edge.target);
    if (!outgoing.has(s)) outgoing.set(s, []);
    if (!incoming.has(t)) incoming.set(t, []);
    outgoing.get(s).push(edge);
    incoming.get(t).push(edge);
    degree.set(s, (degree.get(s) || 0) + 1);
    degree.set(t, (degree.get(t) || 0) + 1);
  }
  return {
    nodes: payload.nodes,
    edges,
    nodesById,
    edgesById: new Map(edges.map((edge) => [String(edge.id), edge])),
    outgoing,
    incoming,
    degree,
    // Who commanded each unit on the map's day, for readers allowed to read those people (none for visitors).
    commandersOn: payload.commanders_on || '',
    commandersByActor: commandersByActor(payload.commanders),
    // Same actors and same relationships (ends) as another load: the positions can be kept as they are.
    shape: payload.nodes.map((n) => n.id).join(',') + '|' + edges.map((e) => `${e.source}>${e.target}`).join(','),
  };
}

function commandersByActor(commanders) {
  const found = new Map();
  for (const commander of Array.isArray(commanders) ? commanders : []) {
    const id = String(commander.actor);
    if (!found.has(id)) found.set(id, []);
    found.get(id).push(commander);
  }
  return found;
}

/* The name shown under an actor: its acronym, else its name, shortened. */
export function shortLabel(node) {
  const text = (node.acronym || '').trim() || (node.name || '').trim() || (node.reference || '').trim() || String(node.id);
  return text.length > 20 ? `${text.slice(0, 18).trim()}…` : text;
}

/* The name shown under an actor on a small map, never cut: its acronym, else its name (wrapped by the style). */
export function fullLabel(node) {
  return (node.acronym || '').trim() || (node.name || '').trim() || (node.reference || '').trim() || String(node.id);
}

export function fullName(node) {
  return node.acronym && node.acronym !== node.name ? `${node.name} (${node.acronym})` : node.name;
}
