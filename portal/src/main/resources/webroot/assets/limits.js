// Provisioning limits with used and remaining; usage budgets with period, policy and current use.
import { get } from './api.js';
import { el, showError, number, dateTime } from './ui.js';
import { provisioningLimits, limitName, limitValue, budgetOf, METRIC_NAMES, POLICY_WORDS } from './limits-text.js';

function meter(used, value, label) {
  if (!(value > 0)) return el('span', { class: 'muted', text: '—' });
  return el('meter', { class: 'meter', min: '0', max: String(value), value: String(Math.min(used, value)), 'aria-label': label,
    high: String(value * 0.8), optimum: '0' });
}

async function loadLimits() {
  const tbody = document.querySelector('#limits tbody');
  try {
    const limits = provisioningLimits(await get('/api/limits'));
    tbody.replaceChildren(...(limits.length === 0
      ? [el('tr', {}, el('td', { colspan: '5', class: 'muted', text: 'Your account has no provisioning limits.' }))]
      : limits.map((l) => el('tr', {},
        el('td', { 'data-label': 'Limit', text: limitName(l) }),
        el('td', { 'data-label': 'Allowed', class: 'num', text: limitValue(l.value) }),
        el('td', { 'data-label': 'Used', class: 'num', text: String(l.used) }),
        el('td', { 'data-label': 'Remaining', class: 'num', text: l.remaining ?? '—' }),
        el('td', { 'data-label': 'Use' }, meter(l.used, l.value, `${limitName(l)}: ${l.used} of ${l.value} used`))))));
  } catch (e) {
    showError(document.getElementById('limits-error'), e);
  }
}

async function loadBudgets() {
  const tbody = document.querySelector('#budgets tbody');
  try {
    const budgets = (await get('/api/budgets')).map(budgetOf);
    document.getElementById('no-budgets').hidden = budgets.length > 0;
    tbody.replaceChildren(...budgets.map((b) => el('tr', {},
      el('td', { 'data-label': 'Budget', text: b.name }),
      el('td', { 'data-label': 'Metric', text: METRIC_NAMES[b.metric] || b.metric }),
      el('td', { 'data-label': 'Limit', class: 'num', text: number(b.limit) }),
      el('td', { 'data-label': 'Used', class: 'num' }, number(b.used), ' ', meter(b.used, b.limit, `${b.name}: ${number(b.used)} of ${number(b.limit)} used`)),
      el('td', { 'data-label': 'Period', text: `per ${b.period} (${dateTime(b.period_start)} – ${dateTime(b.period_end)})` }),
      el('td', { 'data-label': 'When exceeded', text: POLICY_WORDS[b.policy] || b.policy }),
      el('td', { 'data-label': 'State' }, el('span', { class: `state ${b.state === 'exceeded' ? 'state-failed' : 'state-running'}`,
        text: b.state === 'exceeded' ? `exceeded${b.breached_at ? ` since ${dateTime(b.breached_at)}` : ''}` : 'within budget' })))));
  } catch (e) {
    showError(document.getElementById('budgets-error'), e);
  }
}

loadLimits();
loadBudgets();
