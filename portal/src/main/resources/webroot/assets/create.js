// Create a machine: image and package from the catalogue, name, tags and metadata, and the account's
// limits with what is left shown before submitting.
import { get, post } from './api.js';
import { el, showError, clearError, mib, attempt } from './ui.js';
import { provisioningLimits, limitName, limitValue, whyNotFits } from './limits-text.js';

const form = document.getElementById('create-form');
const imageSelect = document.getElementById('image');
const packageSelect = document.getElementById('package');
const packageHint = document.getElementById('package-hint');
const fit = document.getElementById('fit');
const limitsList = document.getElementById('limits-left');
const submit = document.getElementById('create-submit');
let packages = [];
let limits = [];

function packageChosen() {
  return packages.find((p) => p.name === packageSelect.value);
}

function showFit() {
  const pkg = packageChosen();
  if (!pkg) {
    fit.textContent = '';
    packageHint.textContent = '';
    return;
  }
  packageHint.textContent = `${mib(pkg.memory)} memory, ${mib(pkg.disk)} disk, ${pkg.vcpus} vCPU${pkg.vcpus === 1 ? '' : 's'}`
    + (pkg.description ? ` — ${pkg.description}` : '');
  const why = whyNotFits(pkg, limits);
  fit.textContent = why ? `This package does not fit your limits: ${why}` : `A ${pkg.name} machine fits within your limits.`;
}

function showLimits() {
  const own = provisioningLimits(limits);
  limitsList.replaceChildren(...(own.length === 0
    ? [el('li', { text: 'Your account has no provisioning limits.' })]
    : own.map((l) => el('li', {},
      el('strong', { text: `${limitName(l)}: ` }),
      l.value > 0 ? `${l.used} used of ${l.value}, ${l.remaining ?? Math.max(0, l.value - l.used)} left` : `${l.used} used (${limitValue(l.value)})`))));
  showFit();
}

async function loadCatalog() {
  const region = document.getElementById('catalog-error');
  try {
    const [images, pkgs] = await Promise.all([get('/api/images'), get('/api/packages')]);
    imageSelect.replaceChildren(...images.map((i) => el('option', { value: i.id, text: `${i.name} ${i.version}${i.os ? ` (${i.os})` : ''}` })));
    packages = [...pkgs].sort((a, b) => a.memory - b.memory || a.name.localeCompare(b.name));
    packageSelect.replaceChildren(...packages.map((p) => el('option', { value: p.name, text: `${p.name} — ${mib(p.memory)}, ${p.vcpus} vCPU` })));
    const preferred = packages.find((p) => p.default) || packages[0];
    if (preferred) packageSelect.value = preferred.name;
    if (images.length === 0 || packages.length === 0) {
      showError(region, new Error('There is no image or package to create a machine from yet; ask your operator.'));
    }
    showFit();
  } catch (e) {
    showError(region, e);
  }
}

async function loadLimits() {
  const region = document.getElementById('limits-error');
  try {
    limits = await get('/api/limits');
    clearError(region);
    showLimits();
  } catch (e) {
    limitsList.replaceChildren();
    showError(region, e);
  }
}

let rowCount = 0;
function addRow(fieldset, kind) {
  const n = ++rowCount;
  const key = el('input', { type: 'text', id: `${kind}-key-${n}`, class: 'kv-key', autocomplete: 'off' });
  const value = el('input', { type: 'text', id: `${kind}-value-${n}`, class: 'kv-value', autocomplete: 'off' });
  const word = kind === 'tag' ? 'Tag' : 'Metadata';
  const row = el('div', { class: 'kv-row' },
    el('div', {}, el('label', { for: key.id, text: `${word} key` }), key),
    el('div', {}, el('label', { for: value.id, text: `${word} value` }), value));
  row.append(el('button', { type: 'button', class: 'secondary', 'aria-label': `Remove ${word.toLowerCase()} row ${n}`, text: 'Remove',
    onclick: () => row.remove() }));
  fieldset.querySelector('.rows').append(row);
  key.focus();
}

function pairs(fieldset) {
  const out = {};
  for (const row of fieldset.querySelectorAll('.kv-row')) {
    const k = row.querySelector('.kv-key').value.trim();
    if (k) out[k] = row.querySelector('.kv-value').value;
  }
  return out;
}

for (const [id, kind] of [['tags', 'tag'], ['metadata', 'metadata']]) {
  const fieldset = document.getElementById(id);
  fieldset.querySelector('.add-row').addEventListener('click', () => addRow(fieldset, kind));
}
packageSelect.addEventListener('change', showFit);

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const region = document.getElementById('create-error');
  const name = document.getElementById('name');
  if (name.value && !name.checkValidity()) {
    showError(region, new Error('The name may hold letters, digits, "_", "." and "-", and must start with a letter or digit.'));
    name.focus();
    return;
  }
  const body = { image: imageSelect.value, package: packageSelect.value };
  if (name.value.trim()) body.name = name.value.trim();
  const tags = pairs(document.getElementById('tags'));
  const metadata = pairs(document.getElementById('metadata'));
  if (Object.keys(tags).length) body.tags = tags;
  if (Object.keys(metadata).length) body.metadata = metadata;
  await attempt(region, submit, async () => {
    const machine = await post('/api/machines', body);
    location.assign(`/machine.html?id=${encodeURIComponent(machine.id)}`);
  }, 'The machine was not created');
});

loadCatalog();
loadLimits();
