// The legend's check boxes: which families of actors and which relationship types are shown.

export function checkboxes(root, name) {
  return Array.from(root.querySelectorAll(`input[type="checkbox"][name="${name}"]`));
}

function read(boxes) {
  const all = new Set();
  const on = new Set();
  for (const box of boxes) {
    all.add(box.value);
    if (box.checked) on.add(box.value);
  }
  // A code the legend does not list (a new one) is always shown.
  return (code) => on.has(code) || !all.has(code);
}

/* {family(code), type(code)}: whether the filters show actors of that family, relationships of that type. */
export function readFilters(root) {
  return { family: read(checkboxes(root, 'map-family')), type: read(checkboxes(root, 'map-type')) };
}

/* Tick these families and types (an explicit request to see some actors or relationships). */
export function reveal(root, { families = [], types = [] }) {
  let changed = false;
  for (const [name, codes] of [['map-family', new Set(families)], ['map-type', new Set(types)]]) {
    for (const box of checkboxes(root, name)) {
      if (codes.has(box.value) && !box.checked) {
        box.checked = true;
        changed = true;
      }
    }
  }
  return changed;
}

/* Wire the check boxes and their All / None buttons; onChange runs after any change. */
export function bindFilters(root, onChange) {
  root.addEventListener('change', (event) => {
    const name = event.target && event.target.name;
    if (name === 'map-family' || name === 'map-type') onChange();
  });
  for (const button of root.querySelectorAll('[data-map-check]')) {
    button.addEventListener('click', () => {
      const on = button.getAttribute('data-map-check') === 'all';
      for (const box of button.closest('fieldset').querySelectorAll('input[type="checkbox"]')) box.checked = on;
      onChange();
    });
  }
}
