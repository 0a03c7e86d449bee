// The account's SSH keys: list, add, delete with confirmation.
import { get, post, del } from './api.js';
import { el, showError, clearError, confirmAction, attempt } from './ui.js';

const tbody = document.querySelector('#keys tbody');
const listError = document.getElementById('list-error');
const form = document.getElementById('key-form');
const nameInput = document.getElementById('key-name');
const keyInput = document.getElementById('key-text');
const addError = document.getElementById('add-error');

async function load() {
  try {
    const keys = await get('/api/keys');
    clearError(listError);
    document.getElementById('empty').hidden = keys.length > 0;
    tbody.replaceChildren(...keys.map((k) => el('tr', { 'data-name': k.name },
      el('td', { 'data-label': 'Name', text: k.name }),
      el('td', { 'data-label': 'Fingerprint', class: 'mono', text: k.fingerprint }),
      el('td', { 'data-label': 'Delete' }, el('button', {
        type: 'button', class: 'danger', text: 'Delete', 'aria-label': `Delete key ${k.name}`,
        onclick: (e) => remove(k, e.currentTarget),
      })))));
  } catch (e) {
    showError(listError, e);
  }
}

async function remove(key, button) {
  const ok = await confirmAction({
    title: `Delete key ${key.name}?`,
    message: `Requests signed with ${key.fingerprint} are refused from now on, and new machines no longer get this key.`,
    confirm: 'Delete key', danger: true,
  });
  if (ok && await attempt(listError, button, () => del(`/api/keys/${encodeURIComponent(key.name)}`), `Key ${key.name} was not deleted`)) {
    await load();
  }
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = nameInput.value.trim();
  const key = keyInput.value.trim();
  if (!name || !key) {
    showError(addError, new Error(!name ? 'Give the key a name.' : 'Paste the public key.'));
    (!name ? nameInput : keyInput).focus();
    return;
  }
  if (await attempt(addError, document.getElementById('key-submit'), () => post('/api/keys', { name, key }), 'The key was not added')) {
    form.reset();
    await load();
  }
});

load();
