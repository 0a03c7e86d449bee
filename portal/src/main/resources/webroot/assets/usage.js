// Usage per day and per machine (CPU, memory, network, disk) from metering through the cloud API, drawn
// with Chart.js, the account's budgets drawn on the charts as lines, and the same rows as a CSV download.
import { get, query } from './api.js';
import { el, showError, clearError, number } from './ui.js';
import { METRIC_NAMES, budgetOf } from './limits-text.js';

const { Chart } = window;

/** Each chart: how to read its value from a usage row, and which budget metrics bound it. */
const CHARTS = [
  { key: 'cpu', title: 'CPU time', unit: 'CPU hours', value: (r) => r.cpu_seconds / 3600, metrics: ['cpu_hours'] },
  { key: 'memory', title: 'Memory', unit: 'GiB-hours', value: (r) => r.memory_gib_hours, metrics: ['memory_gib_hours'] },
  { key: 'network', title: 'Network in + out', unit: 'GB', value: (r) => r.network_in_gb + r.network_out_gb,
    metrics: ['network_gb', 'network_in_gb', 'network_out_gb'] },
  { key: 'disk', title: 'Disk', unit: 'GiB-hours', value: (r) => r.disk_gib_hours, metrics: ['disk_gib_hours'] },
];

/** Colours with at least 3:1 contrast on white, for bars told apart also by the legend and tooltips. */
const PALETTE = ['#0b4f8a', '#b3541e', '#2b7a3d', '#7b2d8e', '#a4161a', '#1f6f78', '#6b5b00', '#c0187a'];
const BUDGET_COLOUR = '#d00000';

const charts = new Map();
let lastRows = [];
let names = new Map();

/** Axis labels for small amounts (a few seconds of CPU are millionths of an hour): three significant digits. */
function tick(value) {
  const v = Number(value);
  if (v === 0) return '0';
  return Math.abs(v) < 0.001 ? v.toExponential(1) : v.toLocaleString(undefined, { maximumSignificantDigits: 3 });
}

function day(iso) {
  return iso.slice(0, 10);
}

function days(from, count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push(new Date(from.getTime() + i * 86400000).toISOString().slice(0, 10));
  }
  return out;
}

function machineLabel(id) {
  return names.get(id) || `${id.slice(0, 8)} (deleted)`;
}

/** A budget over a day as a daily line: an hourly one at 24 times its limit, a monthly one at its limit. */
function budgetLines(chart, budgets, labels) {
  return budgets.filter((b) => chart.metrics.includes(b.metric)).map((b) => {
    const perDay = b.period === 'hour' ? b.limit * 24 : b.limit;
    const how = b.period === 'hour' ? 'per hour, × 24' : `per ${b.period}`;
    return {
      type: 'line', label: `Budget ${b.name}: ${number(b.limit)} ${METRIC_NAMES[b.metric] || b.metric} ${how}`,
      budget: b.name, data: labels.map(() => perDay), borderColor: BUDGET_COLOUR, backgroundColor: BUDGET_COLOUR,
      borderDash: [6, 4], borderWidth: 2, pointRadius: 0, fill: false, order: 0,
    };
  });
}

function draw(rows, budgets, labels) {
  const machines = [...new Set(rows.map((r) => r.machine))];
  const container = document.getElementById('charts');
  for (const spec of CHARTS) {
    const datasets = machines.map((id, i) => {
      const perDay = new Map(labels.map((d) => [d, 0]));
      for (const r of rows) {
        if (r.machine === id) perDay.set(day(r.start), (perDay.get(day(r.start)) || 0) + spec.value(r));
      }
      return {
        type: 'bar', label: machineLabel(id), machine: id, data: labels.map((d) => perDay.get(d)),
        backgroundColor: PALETTE[i % PALETTE.length], stack: 'machines', order: 1,
      };
    });
    const all = [...datasets, ...budgetLines(spec, budgets, labels)];
    const total = datasets.reduce((sum, d) => sum + d.data.reduce((a, b) => a + b, 0), 0);
    const summary = `${spec.title} per day and machine, ${labels[0]} to ${labels[labels.length - 1]}: ${number(total)} ${spec.unit} in all`
      + ` over ${plural(machines.length, 'machine')}.`;
    let chart = charts.get(spec.key);
    if (!chart) {
      const canvas = el('canvas', { id: `chart-${spec.key}`, role: 'img', 'aria-label': summary });
      container.append(el('figure', { class: 'chart' },
        el('figcaption', { text: `${spec.title} per day (${spec.unit})` }),
        el('div', { class: 'canvas-box' }, canvas)));
      chart = new Chart(canvas, {
        data: { labels, datasets: all },
        options: {
          animation: false, maintainAspectRatio: false, responsive: true,
          scales: {
            x: { stacked: true },
            y: { stacked: true, beginAtZero: true, title: { display: true, text: spec.unit }, ticks: { callback: tick } },
          },
          plugins: { legend: { position: 'bottom' } },
        },
      });
      charts.set(spec.key, chart);
    } else {
      chart.canvas.setAttribute('aria-label', summary);
      chart.data.labels = labels;
      chart.data.datasets = all;
      chart.update('none');
    }
  }
}

function perMachineTable(rows) {
  const tbody = document.querySelector('#per-machine tbody');
  const sums = new Map();
  for (const r of rows) {
    const s = sums.get(r.machine) || { package: r.package, instance: 0, cpu: 0, memory: 0, network: 0, disk: 0 };
    s.instance += r.instance_seconds / 3600;
    s.cpu += r.cpu_seconds / 3600;
    s.memory += r.memory_gib_hours;
    s.network += r.network_in_gb + r.network_out_gb;
    s.disk += r.disk_gib_hours;
    sums.set(r.machine, s);
  }
  tbody.replaceChildren(...(sums.size === 0
    ? [el('tr', {}, el('td', { colspan: '7', class: 'muted', text: 'No usage in this period.' }))]
    : [...sums].map(([id, s]) => el('tr', { 'data-machine': id },
      el('td', { 'data-label': 'Machine' }, names.has(id) ? el('a', { href: `/machine.html?id=${encodeURIComponent(id)}`, text: names.get(id) }) : machineLabel(id)),
      el('td', { 'data-label': 'Package', text: s.package || '' }),
      el('td', { 'data-label': 'Instance hours', class: 'num', text: number(s.instance) }),
      el('td', { 'data-label': 'CPU hours', class: 'num', text: number(s.cpu) }),
      el('td', { 'data-label': 'Memory GiB-hours', class: 'num', text: number(s.memory) }),
      el('td', { 'data-label': 'Network GB', class: 'num', text: number(s.network) }),
      el('td', { 'data-label': 'Disk GiB-hours', class: 'num', text: number(s.disk) })))));
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function csvField(v) {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows the charts show, one per machine and day, as CSV. */
function csv(rows) {
  const header = ['day', 'machine', 'machine_name', 'package', 'instance_hours', 'cpu_hours', 'memory_gib_hours', 'memory_peak_bytes',
    'network_in_gb', 'network_out_gb', 'disk_gib_hours', 'oom_kills', 'forks_refused'];
  const lines = [header.join(',')];
  for (const r of rows) {
    lines.push([day(r.start), r.machine, names.get(r.machine) || '', r.package, r.instance_seconds / 3600, r.cpu_seconds / 3600,
      r.memory_gib_hours, r.memory_peak_bytes, r.network_in_gb, r.network_out_gb, r.disk_gib_hours, r.oom_kills, r.forks_refused]
      .map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

async function load() {
  const usageError = document.getElementById('usage-error');
  const budgetsError = document.getElementById('budgets-error');
  if (!Chart) {
    showError(usageError, new Error('The charting library could not be loaded; the table below still has the figures.'));
  }
  const count = Number(document.getElementById('days').value);
  const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const from = new Date(today.getTime() - (count - 1) * 86400000);
  const labels = days(from, count);
  let budgets = [];
  try {
    budgets = (await get('/api/budgets')).map(budgetOf);
    clearError(budgetsError);
  } catch (e) {
    showError(budgetsError, new Error(`Your budgets could not be read, so they are not drawn: ${e.message}`));
  }
  try {
    const [usage, machines] = await Promise.all([
      get(`/api/usage${query({ granularity: 'day', per: 'instance', from: from.toISOString() })}`),
      get('/api/machines').catch(() => []),
    ]);
    names = new Map(machines.map((m) => [m.id, m.name || m.id]));
    lastRows = usage.rows || [];
    clearError(usageError);
    document.getElementById('usage-summary').textContent = lastRows.length === 0
      ? 'No usage recorded in this period yet.'
      : `Usage of ${plural(new Set(lastRows.map((r) => r.machine)).size, 'machine')} from ${labels[0]} to today (UTC days).`;
    if (Chart) draw(lastRows, budgets, labels);
    perMachineTable(lastRows);
  } catch (e) {
    showError(usageError, e);
  }
}

document.getElementById('days').addEventListener('change', load);
document.getElementById('range-form').addEventListener('submit', (e) => e.preventDefault());
document.getElementById('csv').addEventListener('click', () => {
  const url = URL.createObjectURL(new Blob([csv(lastRows)], { type: 'text/csv' }));
  const a = el('a', { href: url, download: `gantry-usage-${new Date().toISOString().slice(0, 10)}.csv` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});
load();
