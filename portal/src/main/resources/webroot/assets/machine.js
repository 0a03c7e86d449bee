// One machine: its state (polled), actions with confirmation, tags, metadata, firewall rules, audit trail.
import { get, post, del, query, ApiError } from './api.js';
import { el, showError, clearError, stateBadge, dateTime, mib, param, confirmAction, attempt } from './ui.js';

const POLL_MS = 2000;
const id = param('id');
const base = `/api/machines/${encodeURIComponent(id || '')}`;
const loadError = document.getElementById('load-error');
const actionError = document.getElementById('action-error');
const actionNotice = document.getElementById('action-notice');
const announcer = document.getElementById('announcer');
const buttons = {
  start: document.getElementById('act-start'),
  stop: document.getElementById('act-stop'),
  reboot: document.getElementById('act-reboot'),
  resize: document.getElementById('act-resize'),
  rename: document.getElementById('act-rename'),
  delete: document.getElementById('act-delete'),
};
let machine = null;
let imageName = null;
let auditShownFor = null;
let polls = 0;

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** Which actions make sense in a state; the API still has the last word. */
function allowed(state) {
  const settled = state === 'running' || state === 'stopped';
  return {
    start: state === 'stopped',
    stop: state === 'running',
    reboot: state === 'running',
    resize: settled,
    rename: settled,
    delete: state !== 'deleted' && state !== 'deleting',
  };
}

function show(m) {
  const before = machine;
  machine = m;
  setText(document.getElementById('machine-title'), m.name || m.id);
  document.title = `${m.name || m.id} · Gantry`;
  if (!before || before.state !== m.state) {
    document.getElementById('m-state').replaceChildren(stateBadge(m.state));
    if (before) announcer.textContent = `${m.name || m.id} is now ${m.state}`;
    if (before && ['running', 'stopped', 'deleted', 'failed'].includes(m.state)) actionNotice.textContent = '';
  }
  setText(document.getElementById('m-ips'), (m.ips || []).join(', ') || '—');
  setText(document.getElementById('m-package'), m.package || '');
  setText(document.getElementById('m-size'), `${mib(m.memory)} memory, ${mib(m.disk)} disk`);
  setText(document.getElementById('m-image'), imageName || m.image);
  setText(document.getElementById('m-created'), dateTime(m.created));
  setText(document.getElementById('m-id'), m.id);
  const err = document.getElementById('m-error');
  err.hidden = !m.error;
  setText(err, m.error ? `Last problem: ${m.error}` : '');
  const ok = allowed(m.state);
  for (const [name, button] of Object.entries(buttons)) {
    button.disabled = !ok[name];
  }
  setText(document.getElementById('fw-enabled'), m.firewall_enabled
    ? 'The firewall is enabled for this machine.' : 'The firewall is not enabled for this machine; these rules are stored but not applied to it.');
  showPairs('tags', m.tags || {});
  showPairs('metadata', m.metadata || {});
  // a job's audit entry is written when it ends, about when the state changes: read it again now and then too
  if (auditShownFor !== m.updated + m.state || ++polls % 5 === 0) {
    auditShownFor = m.updated + m.state;
    loadAudit();
  }
}

async function refresh() {
  try {
    show(await get(base));
    clearError(loadError);
  } catch (e) {
    if (e instanceof ApiError && e.status === 410) {
      // a deleted machine answers 410; the portal passes its body on as the error's message is absent
      show({ ...(machine || { id }), state: 'deleted' });
      clearError(loadError);
      return; // nothing more will change
    }
    showError(loadError, e);
  }
  setTimeout(refresh, POLL_MS);
}

async function loadImageName(imageId) {
  try {
    const image = await get(`/api/images/${encodeURIComponent(imageId)}`);
    imageName = `${image.name} ${image.version}`;
    if (machine) setText(document.getElementById('m-image'), imageName);
  } catch (e) {
    // the id is shown instead
  }
}

function showPairs(kind, values) {
  const tbody = document.querySelector(`#${kind}-table tbody`);
  const keys = Object.keys(values).sort();
  const signature = JSON.stringify(keys.map((k) => [k, values[k]]));
  if (tbody.dataset.shown === signature) return;
  tbody.dataset.shown = signature;
  const word = kind === 'tags' ? 'tag' : 'metadata';
  tbody.replaceChildren(...(keys.length === 0
    ? [el('tr', {}, el('td', { colspan: '3', class: 'muted', text: `No ${word === 'tag' ? 'tags' : 'metadata'}.` }))]
    : keys.map((k) => el('tr', {},
      el('td', { 'data-label': 'Key', class: 'mono', text: k }),
      el('td', { 'data-label': 'Value', class: 'mono', text: typeof values[k] === 'string' ? values[k] : JSON.stringify(values[k]) }),
      el('td', { 'data-label': 'Remove' }, el('button', {
        type: 'button', class: 'secondary', text: 'Remove', 'aria-label': `Remove ${word} ${k}`,
        onclick: (e) => removePair(kind, k, e.currentTarget),
      }))))));
}

async function removePair(kind, key, button) {
  const word = kind === 'tags' ? 'tag' : 'metadata key';
  const region = document.getElementById(`${kind}-error`);
  if (!await confirmAction({ title: `Remove ${word} ${key}?`, message: `The ${word} "${key}" is removed from this machine.`, confirm: 'Remove', danger: true })) {
    return;
  }
  if (await attempt(region, button, () => del(`${base}/${kind}/${encodeURIComponent(key)}`), `Could not remove ${key}`)) {
    show(await get(base));
  }
}

function wirePairForm(kind) {
  const form = document.getElementById(`${kind}-form`);
  const keyInput = document.getElementById(`${kind}-key`);
  const valueInput = document.getElementById(`${kind}-value`);
  const region = document.getElementById(`${kind}-error`);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = keyInput.value.trim();
    if (!key) {
      showError(region, new Error('Give the key a name.'));
      keyInput.focus();
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    if (await attempt(region, button, () => post(`${base}/${kind}`, { [key]: valueInput.value }), `Could not add ${key}`)) {
      keyInput.value = '';
      valueInput.value = '';
      show(await get(base));
    }
  });
}

async function loadFirewall() {
  const region = document.getElementById('fw-error');
  const tbody = document.querySelector('#fw-table tbody');
  try {
    const rules = await get(`${base}/fwrules`);
    tbody.replaceChildren(...(rules.length === 0
      ? [el('tr', {}, el('td', { colspan: '3', class: 'muted', text: 'No firewall rule applies to this machine.' }))]
      : rules.map((r) => el('tr', {},
        el('td', { 'data-label': 'Rule', class: 'mono', text: r.rule }),
        el('td', { 'data-label': 'Enabled', text: r.enabled ? 'yes' : 'no' }),
        el('td', { 'data-label': 'Description', text: r.description || '' })))));
  } catch (e) {
    showError(region, e);
  }
}

function callerText(c) {
  if (!c) return '';
  if (c.type === 'signature') return `key ${c.keyId}`;
  return c.keyId ? `${c.type} ${c.keyId}` : c.type;
}

async function loadAudit() {
  const region = document.getElementById('audit-error');
  const tbody = document.querySelector('#audit-table tbody');
  try {
    const entries = await get(`${base}/audit`);
    clearError(region);
    tbody.replaceChildren(...entries.map((a) => el('tr', {},
      el('td', { 'data-label': 'Time', text: dateTime(a.time) }),
      el('td', { 'data-label': 'Action', text: a.action }),
      el('td', { 'data-label': 'Succeeded', text: a.success }),
      el('td', { 'data-label': 'By', text: callerText(a.caller) }),
      el('td', { 'data-label': 'Parameters', class: 'mono', text: a.parameters && Object.keys(a.parameters).length ? JSON.stringify(a.parameters) : '' }))));
  } catch (e) {
    showError(region, e);
  }
}

async function act(action, extra, words) {
  actionNotice.textContent = '';
  const ok = await attempt(actionError, buttons[action], async () => {
    const m = await post(`${base}${query({ action, ...extra })}`);
    if (m) show(m);
  }, `Could not ${action} the machine`);
  if (machine) show(machine); // the buttons again as the state allows
  if (ok) actionNotice.textContent = words;
}

function name() {
  return machine ? machine.name || machine.id : id;
}

buttons.start.addEventListener('click', async () => {
  if (await confirmAction({ title: `Start ${name()}?`, message: 'The machine boots.', confirm: 'Start' })) {
    await act('start', {}, 'Starting…');
  }
});
buttons.stop.addEventListener('click', async () => {
  if (await confirmAction({ title: `Stop ${name()}?`, message: 'The machine shuts down; its disk is kept.', confirm: 'Stop' })) {
    await act('stop', {}, 'Stopping…');
  }
});
buttons.reboot.addEventListener('click', async () => {
  if (await confirmAction({ title: `Reboot ${name()}?`, message: 'The machine restarts; what runs on it stops for a moment.', confirm: 'Reboot' })) {
    await act('reboot', {}, 'Rebooting…');
  }
});
buttons.rename.addEventListener('click', async () => {
  const input = el('input', { id: 'rename-input', type: 'text', value: machine ? machine.name || '' : '', autocomplete: 'off' });
  const body = el('div', { class: 'field' }, el('label', { for: 'rename-input', text: 'New name' }), input);
  if (await confirmAction({ title: `Rename ${name()}`, message: 'The record gets the new name.', confirm: 'Rename', body })) {
    if (!input.value.trim()) {
      showError(actionError, new Error('Give the machine a name.'));
      return;
    }
    await act('rename', { name: input.value.trim() }, 'Renamed.');
  }
});
buttons.resize.addEventListener('click', async () => {
  let packages;
  try {
    packages = await get('/api/packages');
  } catch (e) {
    showError(actionError, e);
    return;
  }
  const select = el('select', { id: 'resize-package' }, ...packages
    .sort((a, b) => a.memory - b.memory)
    .map((p) => el('option', { value: p.name, text: `${p.name} — ${mib(p.memory)}, ${mib(p.disk)} disk, ${p.vcpus} vCPU`, selected: machine && p.name === machine.package })));
  const body = el('div', { class: 'field' }, el('label', { for: 'resize-package', text: 'New package' }), select);
  if (await confirmAction({ title: `Resize ${name()}`, message: 'A bigger disk needs the machine stopped; disks never shrink.', confirm: 'Resize', body })) {
    await act('resize', { package: select.value }, `Resizing to ${select.value}…`);
  }
});
buttons.delete.addEventListener('click', async () => {
  if (!await confirmAction({ title: `Delete ${name()}?`, message: 'The machine and its disk are destroyed. This cannot be undone.', confirm: 'Delete', danger: true })) {
    return;
  }
  await attempt(actionError, buttons.delete, async () => {
    await del(base);
    actionNotice.textContent = 'Deleting…';
  }, 'Could not delete the machine');
});

if (!id) {
  showError(loadError, new Error('No machine given: open a machine from the list of machines.'));
} else {
  wirePairForm('tags');
  wirePairForm('metadata');
  get(base).then((m) => {
    loadImageName(m.image);
  }).catch(() => {});
  refresh();
  loadFirewall();
}
