// The card of the selected actor: what it is, and its relationships out and in (each a link to the other actor).

import { el, fold, relSwatch } from './dom.js';
import { fullName } from './data.js';

const MAX_RELATIONSHIPS_LISTED = 60;
const TYPE_ORDER = ['commands', 'administers', 'oversees', 'audits', 'funds', 'adjudicates', 'appoints',
  'reports_to', 'scrutinises', 'coordinates_with'];

function typeRank(code) {
  const i = TYPE_ORDER.indexOf(code);
  return i < 0 ? TYPE_ORDER.length : i;
}

export function periodText(edge, text) {
  const start = (edge.start || '').trim();
  const end = (edge.end || '').trim();
  if (edge.ongoing !== false) return start ? `${start} – ${text('ongoing')}` : text('ongoing');
  if (start && end) return `${start} – ${end}`;
  if (end) return `– ${end}`;
  if (start) return `${start} – ${text('ended')}`;
  return text('ended');
}

/* The URL of an actor's page, from the template URL whose id is 0. */
export function actorUrl(template, id) {
  const i = template.lastIndexOf('/0/');
  if (i >= 0) return `${template.slice(0, i)}/${encodeURIComponent(id)}/${template.slice(i + 3)}`;
  if (/\/0$/.test(template)) return template.slice(0, -1) + encodeURIComponent(id);
  return template.replace('0', encodeURIComponent(id));
}

/* A button that takes the map to another actor (handled by the card's click listener through data-node-id). */
export function actorButton(node, text) {
  return el('button', {
    type: 'button',
    className: 'map-link',
    'data-node-id': String(node.id),
    title: text('go-to', { name: node.name }),
    text: fullName(node),
  });
}

function relationList(edges, outward, data, text) {
  if (!edges.length) return el('p', { className: 'map-empty', text: text('no-relationships') });
  const other = (edge) => data.nodesById.get(String(outward ? edge.target : edge.source));
  const sorted = edges.slice().sort((a, b) =>
    typeRank(a.type) - typeRank(b.type) || fold(other(a) && other(a).name).localeCompare(fold(other(b) && other(b).name)));
  const items = sorted.slice(0, MAX_RELATIONSHIPS_LISTED).map((edge) => {
    const node = other(edge);
    const item = el('li', { className: edge.ongoing === false ? 'is-ended' : null }, [
      relSwatch(edge.type),
      el('span', { className: 'map-rel-type', text: edge.type_label || edge.type }),
      el('span', { className: 'map-rel-period', text: periodText(edge, text) }),
      node ? actorButton(node, text) : el('span', { text: String(outward ? edge.target : edge.source) }),
    ]);
    item.title = [`${text('strength')}: ${text(`strength-${edge.strength}`) || edge.strength}`,
      `${text('confidence')}: ${text(`confidence-${edge.confidence}`) || edge.confidence}`].join(' · ');
    return item;
  });
  if (sorted.length > MAX_RELATIONSHIPS_LISTED) {
    items.push(el('li', { className: 'map-more', text: text('more', { count: sorted.length - MAX_RELATIONSHIPS_LISTED }) }));
  }
  return el('ul', { className: 'map-rels' }, items);
}

/* The card's content for an actor: a list of nodes for #map-card-body. */
export function cardContent(node, { data, text, actorUrlTemplate }) {
  const id = String(node.id);
  const sub = el('p', { className: 'map-card-sub' }, [
    el('span', { className: `family-badge family-${node.family}`, text: node.family_label || node.family }),
    node.kind_label ? el('span', { text: node.kind_label }) : null,
    node.statutory === false ? el('span', { className: 'map-flag', text: text('non-statutory') }) : null,
    node.legitimacy_disputed ? el('span', { className: 'map-flag', text: text('legitimacy-disputed') }) : null,
  ]);
  const rows = [];
  const row = (label, value) => {
    if (value == null || value === '') return;
    rows.push(el('dt', { text: label }), el('dd', null, [value]));
  };
  if (node.acronym && node.acronym !== node.name) row(text('acronym'), node.acronym);
  if (node.reference && node.reference !== node.acronym) row(text('reference'), node.reference);
  row(text('kind'), node.kind_label || node.kind);
  row(text('family'), node.family_label || node.family);
  row(text('statutory'), node.statutory === false ? text('no') : text('yes'));
  row(text('legitimacy'), node.legitimacy_disputed ? text('legitimacy-disputed') : text('legitimacy-undisputed'));
  row(text('confidence'), text(`confidence-${node.confidence}`) || node.confidence);
  const commanders = (data.commandersByActor && data.commandersByActor.get(id)) || [];
  if (commanders.length) {
    const date = new Date(`${data.commandersOn}T12:00:00`).toLocaleDateString(document.documentElement.lang || undefined, { dateStyle: 'long' });
    row(text('commanders-on', { date }), el('ul', { className: 'map-commanders' }, commanders.map((commander) =>
      el('li', { text: `${commander.name} (${commander.role_label})` }))));
  }
  const parent = node.parent != null ? data.nodesById.get(String(node.parent)) : null;
  if (parent) row(text('part-of'), actorButton(parent, text));
  const out = data.outgoing.get(id) || [];
  const inc = data.incoming.get(id) || [];
  return [
    sub,
    el('dl', null, rows),
    el('h4', { text: `${text('relationships-out')} (${out.length})` }),
    relationList(out, true, data, text),
    el('h4', { text: `${text('relationships-in')} (${inc.length})` }),
    relationList(inc, false, data, text),
    el('a', { className: 'map-card-open', href: actorUrl(actorUrlTemplate, node.id), text: `${text('open-actor')} →` }),
  ];
}
