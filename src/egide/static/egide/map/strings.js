// The page's translated strings: Django writes them in the data-* attributes of #map-strings (no inline script).

export function format(template, values) {
  return String(template || '').replace(/%\((\w+)\)s/g, (whole, key) =>
    Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole);
}

/* text('no-match') reads data-no-match; values fill its %(name)s placeholders. */
export function strings(element) {
  const data = element ? element.dataset : {};
  return function text(key, values) {
    const value = data[key.replace(/-([a-z])/g, (m, c) => c.toUpperCase())] || '';
    return values ? format(value, values) : value;
  };
}
