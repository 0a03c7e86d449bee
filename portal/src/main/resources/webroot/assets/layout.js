// The page frame, the same on every signed-in page: it builds the header (brand, navigation, who is signed in,
// the sign-out form) into the page's empty <header class="site-header">, marks the current page in the
// navigation and fills the sign-out form's CSRF field.
import { get, csrfToken, CSRF_HEADER } from './api.js';

const NAVIGATION = [
  ['/machines.html', 'Machines'],
  ['/create.html', 'Create'],
  ['/keys.html', 'SSH keys'],
  ['/usage.html', 'Usage'],
  ['/limits.html', 'Limits &amp; budgets'],
];

function buildHeader() {
  const items = NAVIGATION.map(([href, text]) => `<li><a href="${href}">${text}</a></li>`).join('');
  document.querySelector('header.site-header').innerHTML = `
    <a class="brand" href="/machines.html">Gantry</a>
    <nav aria-label="Main"><ul>${items}</ul></nav>
    <div class="account">
      <span>Signed in as <strong id="account-login">…</strong></span>
      <form id="signout-form" method="post" action="/signout">
        <input type="hidden" name="${CSRF_HEADER}" value="">
        <button type="submit">Sign out</button>
      </form>
    </div>`;
}

function markCurrentPage() {
  const here = location.pathname === '/' ? '/machines.html' : location.pathname;
  for (const a of document.querySelectorAll('.site-header nav a')) {
    if (a.getAttribute('href') === here || (here === '/machine.html' && a.getAttribute('href') === '/machines.html')) {
      a.setAttribute('aria-current', 'page');
    }
  }
}

function wireSignOut() {
  const form = document.getElementById('signout-form');
  if (!form) {
    return;
  }
  const field = form.querySelector(`input[name="${CSRF_HEADER}"]`);
  field.value = csrfToken();
  // the token may have been renewed since the page loaded: take the cookie's value when the form is sent
  form.addEventListener('submit', () => {
    field.value = csrfToken();
  });
}

/** The signed-in account, or null when the session is gone (then the header says so). */
async function showAccount() {
  const who = document.getElementById('account-login');
  try {
    const session = await get('/session');
    who.textContent = session.name ? `${session.name} (${session.login})` : session.login;
    return session;
  } catch (e) {
    who.textContent = 'not signed in';
    return null;
  }
}

buildHeader();
markCurrentPage();
wireSignOut();
export const session = showAccount();
