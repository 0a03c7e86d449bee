// The page frame: who is signed in, the current page in the navigation, and the sign-out form's CSRF field.
import { get, csrfToken, CSRF_HEADER } from './api.js';

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

markCurrentPage();
wireSignOut();
export const session = showAccount();
