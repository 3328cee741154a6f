// api.js — the REST API over the browser session: the HttpOnly cookie is
// sent by the browser; every non-GET request carries X-CSRF-Token (from the
// login answer or GET /api/v1/auth/me).  A 401 sends the person to the
// login screen and, after signing in, back to where they were.  The
// server's clock (X-Opsdesk-Now, the test clock too) drives the countdowns.
let csrf = null;
let clockOffset = 0;
let onUnauthorized = () => {};

export class ApiError extends Error {
  constructor(status, error) {
    super(error && error.message ? error.message : String(status));
    this.status = status;
    this.code = error && error.code;
    this.field = error && error.field;
  }
}

let bearer = null; // a display key (the kiosk wall screen) instead of the session cookie

export function setCsrf(token) { csrf = token || null; }
export function setBearer(key) { bearer = key || null; }
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }
export function serverNow() { return Date.now() + clockOffset; }

export async function api(path, { method = 'GET', body, text = false, quiet401 = false } = {}) {
  const headers = { Accept: text ? 'text/plain, text/html' : 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  if (bearer) headers.Authorization = 'Bearer ' + bearer;
  const r = await fetch(path, {
    method, headers, credentials: 'same-origin', cache: 'no-store',
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const now = r.headers.get('X-Opsdesk-Now');
  if (now) clockOffset = Number(now) - Date.now();
  if (r.status === 401 && !quiet401 && !bearer && !path.startsWith('/api/v1/auth/login')) onUnauthorized();
  if (!r.ok) {
    const data = await r.json().catch(() => null);
    throw new ApiError(r.status, data && data.error);
  }
  if (text) return r.text();
  return r.status === 204 ? null : r.json();
}

export const get = (path, opts) => api(path, opts);
export const post = (path, body) => api(path, { method: 'POST', body: body === undefined ? {} : body });
export const put = (path, body) => api(path, { method: 'PUT', body });
export const patch = (path, body) => api(path, { method: 'PATCH', body });
export const del = (path) => api(path, { method: 'DELETE' });

export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
}
