// Finding actors by name, acronym or reference, and the list of results under the search box.

import { el, fold, debounce } from './dom.js';
import { fullName } from './data.js';

const MAX_SEARCH_RESULTS = 8;

/* The actors matching a query, best first: exact acronym or reference, exact name, then prefixes, then words. */
export function findActors(nodes, query) {
  const q = fold(query);
  if (!q) return [];
  const scored = [];
  for (const node of nodes) {
    const acronym = fold(node.acronym);
    const reference = fold(node.reference);
    const name = fold(node.name);
    let score = -1;
    if (acronym === q || reference === q) score = 0;
    else if (name === q) score = 1;
    else if (acronym.startsWith(q) || reference.startsWith(q)) score = 2;
    else if (name.startsWith(q)) score = 3;
    else if (name.includes(` ${q}`)) score = 4;
    else if (name.includes(q) || acronym.includes(q) || reference.includes(q)) score = 5;
    if (score >= 0) scored.push({ node, score, name });
  }
  scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  return scored.map((entry) => entry.node);
}

/*
 * Wire the search box. `map` gives: data() (the indexed map or null), isShown(node), onMatches(nodes) (mark them
 * on the map), choose(id) (go to that actor), text.
 */
export function bindSearch(root, map) {
  const input = root.querySelector('#map-search');
  const status = root.querySelector('#map-search-status');
  const results = root.querySelector('#map-search-results');
  let matches = [];
  // The query of the actor just chosen: the list stays closed until the query changes (the browser's "search"
  // event and the debounced typing would otherwise open it again right after the choice).
  let chosenFor = null;

  const hide = () => { results.hidden = true; };
  const run = ({ keepList = false } = {}) => {
    const data = map.data();
    if (chosenFor !== null && input.value === chosenFor) keepList = true;
    else chosenFor = null;
    matches = data ? findActors(data.nodes, input.value) : [];
    map.onMatches(matches);
    status.classList.toggle('is-empty', Boolean(fold(input.value) && data && !matches.length));
    if (!fold(input.value) || !data) {
      status.textContent = '';
      hide();
      return;
    }
    if (!matches.length) {
      status.textContent = map.text('no-match');
      hide();
      return;
    }
    status.textContent = map.text('matches', { count: matches.length });
    results.replaceChildren(...matches.slice(0, MAX_SEARCH_RESULTS).map((node) => el('li', null, [
      el('button', { type: 'button', 'data-node-id': String(node.id) }, [
        el('span', { className: `family-swatch family-${node.family}`, 'aria-hidden': 'true' }),
        el('span', { text: fullName(node) }),
        el('span', { className: 'map-result-meta', text: map.isShown(node) ? (node.kind_label || '') : map.text('hidden-by-filters') }),
      ]),
    ])));
    if (!keepList || !results.hidden) results.hidden = false;
  };
  const choose = (id) => {
    chosenFor = input.value;
    hide();
    map.choose(id);
  };

  input.addEventListener('input', debounce(() => run(), 120));
  input.addEventListener('search', () => run());
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      run();
      if (matches.length) choose(String(matches[0].id));
    } else if (event.key === 'ArrowDown') {
      const first = results.querySelector('button');
      if (first && !results.hidden) {
        event.preventDefault();
        first.focus();
      }
    } else if (event.key === 'Escape') {
      hide();
    }
  });
  results.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-node-id]');
    if (button) choose(button.getAttribute('data-node-id'));
  });
  results.addEventListener('keydown', (event) => {
    const buttons = Array.from(results.querySelectorAll('button'));
    const i = buttons.indexOf(document.activeElement);
    if (event.key === 'ArrowDown' && i < buttons.length - 1) {
      event.preventDefault();
      buttons[i + 1].focus();
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      (i > 0 ? buttons[i - 1] : input).focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      hide();
      input.focus();
    }
  });
  const onDocumentClick = (event) => {
    if (!input.parentNode.contains(event.target)) hide();
  };
  document.addEventListener('click', onDocumentClick);
  return {
    input,
    refresh: () => { if (input.value) run({ keepList: true }); },
    destroy: () => document.removeEventListener('click', onDocumentClick),
  };
}
