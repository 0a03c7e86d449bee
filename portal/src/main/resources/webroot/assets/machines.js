// The machines list: filters, and state changes as they happen (polled every 2 s, rows updated in place).
import { get, query } from './api.js';
import { el, showError, clearError, stateBadge, age } from './ui.js';

const POLL_MS = 2000;
const tbody = document.querySelector('#machines tbody');
const nameFilter = document.getElementById('filter-name');
const stateFilter = document.getElementById('filter-state');
const errorRegion = document.getElementById('list-error');
const summary = document.getElementById('summary');
const empty = document.getElementById('empty');
const announcer = document.getElementById('announcer');

/** id → {row, cells, machine}: rows are kept and updated, never rebuilt, so nothing flickers. */
const rows = new Map();
let firstLoad = true;

function newRow(m) {
  const link = el('a', { href: `/machine.html?id=${encodeURIComponent(m.id)}` });
  const cells = {
    name: el('td', { 'data-label': 'Name' }, link),
    state: el('td', { 'data-label': 'State' }),
    ip: el('td', { 'data-label': 'Primary IP', class: 'mono' }),
    pkg: el('td', { 'data-label': 'Package' }),
    age: el('td', { 'data-label': 'Age' }),
  };
  const row = el('tr', { 'data-id': m.id }, cells.name, cells.state, cells.ip, cells.pkg, cells.age);
  return { row, cells, link, machine: null };
}

function setText(node, text) {
  if (node.textContent !== text) {
    node.textContent = text;
  }
}

function update(entry, m) {
  const before = entry.machine;
  setText(entry.link, m.name || m.id);
  if (!before || before.state !== m.state) {
    entry.cells.state.replaceChildren(stateBadge(m.state));
    entry.row.dataset.state = m.state;
    if (before && !firstLoad) {
      announcer.textContent = `${m.name || m.id} is now ${m.state}`;
    }
  }
  setText(entry.cells.ip, m.primaryIp || '—');
  setText(entry.cells.pkg, m.package || '');
  setText(entry.cells.age, age(m.created));
  entry.machine = m;
}

function matches(m) {
  const name = nameFilter.value.trim().toLowerCase();
  return (!name || (m.name || '').toLowerCase().includes(name)) && (!stateFilter.value || m.state === stateFilter.value);
}

function render(machines) {
  const seen = new Set();
  let previous = null;
  for (const m of machines) {
    seen.add(m.id);
    let entry = rows.get(m.id);
    if (!entry) {
      entry = newRow(m);
      rows.set(m.id, entry);
    }
    update(entry, m);
    entry.row.hidden = !matches(m);
    // keep the API's order (oldest first) while moving as few rows as possible
    const expected = previous ? previous.nextSibling : tbody.firstChild;
    if (expected !== entry.row) {
      tbody.insertBefore(entry.row, expected);
    }
    previous = entry.row;
  }
  for (const [id, entry] of rows) {
    if (!seen.has(id)) {
      entry.row.remove();
      rows.delete(id);
    }
  }
  const shown = machines.filter(matches).length;
  empty.hidden = machines.length > 0;
  setText(summary, machines.length === 0 ? '' : `Showing ${shown} of ${machines.length} machines.`);
}

let latest = [];

async function refresh() {
  try {
    // the list the API gives (at most 1000 per page; Gantry's default limit is 20 machines per account)
    latest = await get(`/api/machines${query({ limit: 1000 })}`);
    clearError(errorRegion);
    render(latest);
    firstLoad = false;
  } catch (e) {
    showError(errorRegion, e);
  } finally {
    if (!document.hidden || firstLoad) {
      setTimeout(refresh, POLL_MS);
    } else {
      document.addEventListener('visibilitychange', () => refresh(), { once: true });
    }
  }
}

nameFilter.addEventListener('input', () => render(latest));
stateFilter.addEventListener('change', () => render(latest));
document.getElementById('filters').addEventListener('submit', (e) => e.preventDefault());
refresh();
