// Talks to the portal: /session and /api/* (the cloud API's /my/* for the signed-in user).
// Every change carries the CSRF header with the value of the XSRF-TOKEN cookie.

export const CSRF_COOKIE = 'XSRF-TOKEN';
export const CSRF_HEADER = 'X-XSRF-TOKEN';

/** An answer that was not a success, with a message meant for the person using the page. */
export class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) {
      return decodeURIComponent(rest.join('='));
    }
  }
  return '';
}

const PLAIN = {
  401: 'Your session has ended. Sign in again to continue.',
  403: 'You are not allowed to do that.',
  404: 'That no longer exists.',
  413: 'What you sent is too large.',
  502: 'The portal could not reach the cloud API. Try again in a moment.',
  503: 'The service is not available right now. Try again in a moment.',
  504: 'The cloud API took too long to answer. Try again in a moment.',
};

async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (notJson) {
    // an answer without a CloudAPI error body: describe it by its status
  }
  if (body && typeof body.message === 'string' && body.message) {
    return new ApiError(body.message, response.status, body.code);
  }
  const plain = PLAIN[response.status] || `The request failed (HTTP ${response.status}). Try again in a moment.`;
  return new ApiError(plain, response.status, null);
}

/**
 * The portal refuses a change whose CSRF token is stale (it renews the token after every change) with 403 before
 * anything runs; the cloud API's own 403s name another reason.
 */
async function isCsrfRefusal(response) {
  if (response.status !== 403) {
    return false;
  }
  try {
    const body = await response.clone().json();
    return typeof body.message === 'string' && (body.message.includes('CSRF') || body.message.includes('XSRF'));
  } catch (notJson) {
    return true;
  }
}

/**
 * Calls the portal and answers the parsed JSON (or null for an empty answer). Throws ApiError with a
 * message in plain words for an error answer or when the network fails.
 */
export async function call(method, path, body) {
  const changes = method !== 'GET' && method !== 'HEAD';
  for (let attempt = 0; ; attempt++) {
    const headers = { Accept: 'application/json' };
    if (changes) {
      headers[CSRF_HEADER] = csrfToken();
    }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    let response;
    try {
      response = await fetch(path, {
        method, headers, credentials: 'same-origin', redirect: 'manual',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (network) {
      throw new ApiError('The portal cannot be reached: check your connection and try again.', 0, 'NetworkError');
    }
    // a CSRF token that changed under this request (another tab, a concurrent answer) is refused before
    // anything runs: one retry with the cookie as it is now
    if (changes && attempt === 0 && await isCsrfRefusal(response)) {
      continue;
    }
    if (response.type === 'opaqueredirect' || response.status === 401) {
      throw new ApiError(PLAIN[401], 401, 'SignedOut');
    }
    if (!response.ok) {
      throw await errorOf(response);
    }
    if (response.status === 204) {
      return null;
    }
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const put = (path, body) => call('PUT', path, body);
export const del = (path) => call('DELETE', path);

/** Query string from an object, leaving out null and empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== '') {
      q.set(k, v);
    }
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
