// The small box that tells what the pointer is over (an actor or a relationship), built as DOM, never as HTML.

import { el } from './dom.js';
import { periodText } from './card.js';

export function nodeTip(node, data, text) {
  const id = String(node.id);
  const flags = [];
  if (node.statutory === false) flags.push(text('non-statutory'));
  if (node.legitimacy_disputed) flags.push(text('legitimacy-disputed'));
  return el('div', { className: 'map-tip' }, [
    el('strong', { text: node.acronym && node.acronym !== node.name ? `${node.name} (${node.acronym})` : node.name }),
    el('span', { className: 'map-tip-sub', text: [node.kind_label, node.family_label].filter(Boolean).join(' · ') }),
    flags.length ? el('span', { className: 'map-tip-flags', text: flags.join(' · ') }) : null,
    el('span', {
      className: 'map-tip-sub',
      text: `${text('relationships-out')}: ${(data.outgoing.get(id) || []).length} · ` +
        `${text('relationships-in')}: ${(data.incoming.get(id) || []).length}`,
    }),
  ]);
}

export function edgeTip(edge, data, text) {
  const source = data.nodesById.get(String(edge.source));
  const target = data.nodesById.get(String(edge.target));
  return el('div', { className: 'map-tip' }, [
    el('span', null, [
      el('strong', { text: source ? source.name : String(edge.source) }),
      ` ${edge.type_label || edge.type} `,
      el('strong', { text: target ? target.name : String(edge.target) }),
    ]),
    el('span', { className: 'map-tip-sub', text: `${text('period')}: ${periodText(edge, text)}` }),
    el('span', { className: 'map-tip-sub', text: `${text('strength')}: ${text(`strength-${edge.strength}`) || edge.strength || '–'}` }),
    el('span', { className: 'map-tip-sub', text: `${text('confidence')}: ${text(`confidence-${edge.confidence}`) || edge.confidence || '–'}` }),
  ]);
}

/* Show content at (x, y) in the stage's pixels, inside the stage. Positions are set through the CSSOM, which the
   content security policy allows (it forbids style attributes in the markup). */
export function showTip(box, content, x, y) {
  box.replaceChildren(content);
  box.hidden = false;
  const stage = box.parentNode;
  const width = box.offsetWidth;
  const height = box.offsetHeight;
  box.style.left = `${x + 14 + width > stage.clientWidth ? Math.max(0, x - 14 - width) : x + 14}px`;
  box.style.top = `${y + 14 + height > stage.clientHeight ? Math.max(0, y - 14 - height) : y + 14}px`;
}

export function hideTip(box) {
  if (!box.hidden) box.hidden = true;
}
