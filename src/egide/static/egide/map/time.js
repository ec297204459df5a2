// The day the map is read on: a date field and a year slider (or, on the governance page, the page's own date
// field), the map's data asked for on that day (the server keeps the relationships that held then, as the
// governance analysis does), the address and the links to the command tree and the governance analysis kept on
// the same day, and the day remembered for the session (savePreferences).

import { debounce } from './dom.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/* Remember the reader's choices on the server ({layout} with the account, {as_of} in the session). */
export function savePreferences(root, fields) {
  const url = root.dataset.preferencesUrl;
  if (!url) return Promise.resolve(null);
  return fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'X-CSRFToken': root.dataset.csrfToken || '', Accept: 'application/json' },
    body: new URLSearchParams(fields),
  }).then((response) => (response.ok ? response.json() : null)).catch(() => null);
}

/* The address with its as_of parameter set to the day (or taken away for ''). */
export function withDay(address, day) {
  const url = new URL(address, window.location.href);
  if (day) url.searchParams.set('as_of', day);
  else url.searchParams.delete('as_of');
  return url.origin === window.location.origin ? url.pathname + url.search + url.hash : url.href;
}

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export class DateControl {
  constructor(root, text, onChange) {
    this.root = root;
    this.text = text;
    this.onChange = onChange;
    this.day = root.dataset.asOf || '';
    const followed = root.dataset.asOfField;
    this.field = followed ? document.querySelector(followed) : root.querySelector('#map-as-of');
    this.form = followed ? null : root.querySelector('#map-date');
    this.year = followed ? null : root.querySelector('#map-year');
    this.status = root.querySelector('#map-date-status');
    this.minYear = null;
    if (followed && this.field) {
      this.day = DAY.test(this.field.value) ? this.field.value : this.day;
      this.field.addEventListener('change', () => {
        if (DAY.test(this.field.value) || !this.field.value) this.set(this.field.value, { address: false });
      });
      return;
    }
    if (!this.form) return;
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.set(this.field.value);
    });
    this.field.addEventListener('change', () => {
      if (DAY.test(this.field.value) || !this.field.value) this.set(this.field.value);
    });
    this.year.hidden = false;
    const fromYear = debounce(() => {
      const year = Number(this.year.value);
      this.set(year >= new Date().getFullYear() ? today() : `${year}-12-31`);
    }, 250);
    this.year.addEventListener('input', fromYear);
    const all = this.root.querySelector('[data-as-of-clear]');
    if (all) {
      all.addEventListener('click', (event) => {
        event.preventDefault();
        this.set('');
      });
    }
  }

  /* The map's data address on the chosen day. */
  address(url) {
    return withDay(url, this.day);
  }

  /* Read the map on this day ('' for every relationship). */
  set(day, { address = true } = {}) {
    day = day || '';
    if (day && !DAY.test(day)) {
      if (this.status) this.status.textContent = this.text('date-invalid');
      return false;
    }
    const changed = day !== this.day;
    this.day = day;
    this.root.dataset.asOf = day;
    if (this.field && this.field.value !== day && !this.root.dataset.asOfField) this.field.value = day;
    this.show();
    if (address && window.history && window.history.replaceState) {
      window.history.replaceState(window.history.state, '', withDay(window.location.href, day));
    }
    for (const link of this.root.querySelectorAll('#map-command-tree, #map-governance')) {
      link.setAttribute('href', withDay(link.getAttribute('href'), day));
    }
    if (changed) this.onChange(day);
    return true;
  }

  show() {
    if (this.year && this.day) this.year.value = this.day.slice(0, 4);
    if (this.status) {
      this.status.textContent = this.day
        ? this.text('date-on', { date: new Date(`${this.day}T12:00:00`).toLocaleDateString(document.documentElement.lang || undefined, { dateStyle: 'long' }) })
        : this.text('date-all');
    }
  }

  /* The slider spans the years of the map's relationships, up to this year. */
  update(data) {
    this.root.dataset.asOf = this.day;
    if (!this.year) return;
    let first = this.minYear || new Date().getFullYear() - 1;
    for (const edge of data.edges) {
      for (const value of [edge.start, edge.end]) {
        const year = value ? Number(String(value).slice(0, 4)) : NaN;
        if (year > 1800 && year < first) first = year;
      }
    }
    this.minYear = first;
    this.year.min = String(first);
    if (!this.day) this.year.value = this.year.max;
  }
}
