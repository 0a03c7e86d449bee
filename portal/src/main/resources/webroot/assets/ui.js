// Small helpers every page uses: building elements, showing errors, formatting, confirmation dialogs.

/** An element with attributes (class, text, on* listeners, data-*, aria-*) and children. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) {
      continue;
    }
    if (k === 'text') {
      e.textContent = v;
    } else if (k === 'class') {
      e.className = v;
    } else if (k.startsWith('on') && typeof v === 'function') {
      e.addEventListener(k.slice(2), v);
    } else if (v === true) {
      e.setAttribute(k, '');
    } else {
      e.setAttribute(k, v);
    }
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) {
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }
  return e;
}

/**
 * Shows an error (ApiError or any Error) in a role="alert" region, in plain words, after what was being done
 * ("Could not add the key: ...").
 */
export function showError(region, error, doing = null) {
  region.replaceChildren();
  if (!error) {
    return;
  }
  const message = error && error.message ? error.message : String(error);
  region.append(el('span', { text: doing ? `${doing}: ${message}` : message }));
  if (error.status === 401) {
    region.append(' ', el('a', { href: '/signin', text: 'Sign in again' }));
  }
}

export function clearError(region) {
  region.replaceChildren();
}

/** Runs an async action with its button disabled, showing any failure in the region. True when it worked. */
export async function attempt(region, button, action, doing = null) {
  clearError(region);
  if (button) {
    button.disabled = true;
  }
  try {
    await action();
    return true;
  } catch (e) {
    showError(region, e, doing);
    return false;
  } finally {
    if (button) {
      button.disabled = false;
    }
  }
}

export function stateBadge(state) {
  const s = state || 'unknown';
  return el('span', { class: `state state-${s.replace(/[^a-z_-]/g, '')}`, text: s });
}

/** "3 min", "2 h", "5 d" since an ISO time. */
export function age(iso, now = Date.now()) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) {
    return '';
  }
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

export function dateTime(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? (iso || '') : new Date(t).toLocaleString();
}

/** MiB as "128 MiB" or "4 GiB". */
export function mib(n) {
  if (n === null || n === undefined) return '';
  return n >= 1024 && n % 1024 === 0 ? `${n / 1024} GiB` : `${n} MiB`;
}

export function number(n, digits = 2) {
  if (n === null || n === undefined || Number.isNaN(n)) return '';
  if (Number.isInteger(n)) return n.toLocaleString();
  return n.toLocaleString(undefined, { maximumFractionDigits: Math.abs(n) < 1 ? 6 : digits });
}

/** The query parameter of this page's URL. */
export function param(name) {
  return new URLSearchParams(location.search).get(name);
}

/**
 * Asks for confirmation in an accessible modal <dialog> (focus moves into it, Escape cancels, focus
 * returns to where it was). Resolves true when the person confirms.
 */
export function confirmAction({ title, message, confirm = 'Confirm', danger = false, body = null }) {
  return new Promise((resolve) => {
    const titleId = `dlg-title-${Math.random().toString(36).slice(2)}`;
    const descId = `${titleId}-desc`;
    const ok = el('button', { type: 'submit', value: 'ok', class: danger ? 'danger' : null, text: confirm });
    const cancel = el('button', { type: 'submit', value: 'cancel', class: 'secondary', text: 'Cancel', formnovalidate: true });
    const form = el('form', { method: 'dialog' },
      el('h2', { id: titleId, text: title }),
      el('p', { id: descId, text: message }),
      body,
      el('div', { class: 'actions' }, ok, cancel));
    const dialog = el('dialog', { 'aria-labelledby': titleId, 'aria-describedby': descId }, form);
    const before = document.activeElement;
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (before && typeof before.focus === 'function') {
        before.focus();
      }
      resolve(dialog.returnValue === 'ok');
    });
    document.body.append(dialog);
    dialog.showModal();
    (body && body.querySelector('input, select, textarea') || cancel).focus();
  });
}
