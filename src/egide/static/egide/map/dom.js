// Building DOM nodes and HTML text: the only place where text from the data meets markup.

/* Text made safe to put inside HTML (element content or a quoted attribute). */
export function escapeHtml(value) {
  return String(value == null ? '' : value)
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/* An element with attributes (`text` sets its text, `className` its classes) and children (nodes or strings). */
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'className') node.className = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children || []) {
    if (child == null) continue;
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/* The small line-and-arrow picture of a relationship type (its colours and dashes come from map.css). */
export function relSwatch(type) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  for (const [name, value] of [['class', `rel-swatch rel-${type}`], ['width', '26'], ['height', '10'],
    ['viewBox', '0 0 36 10'], ['aria-hidden', 'true'], ['focusable', 'false']]) svg.setAttribute(name, value);
  const line = document.createElementNS(ns, 'line');
  for (const [name, value] of [['x1', '1'], ['y1', '5'], ['x2', '28'], ['y2', '5']]) line.setAttribute(name, value);
  const head = document.createElementNS(ns, 'path');
  head.setAttribute('d', 'M27 1.2 L35 5 L27 8.8 Z');
  svg.append(line, head);
  return svg;
}

/* Case- and accent-insensitive form of a text ("Ministère" matches "ministere"). */
export function fold(value) {
  return String(value || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
}

export function debounce(fn, wait) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}
