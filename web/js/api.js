// The REST API as the UI calls it: MLflow's JSON under ajax-api/2.0 (traces under 3.0), credentials from
// sessionStorage, and failures as ApiError carrying the server's error_code and message.

const CREDENTIALS = 'swiftrack.credentials';
const USERNAME = 'swiftrack.username';

/** A failed call: HTTP status, MLflow's error_code (or HTTP_<status>) and the server's message. */
export class ApiError extends Error {
  constructor(status, code, message, signIn) {
    super(message);
    this.status = status;
    this.code = code;
    this.signIn = signIn; // the sign-ins a 401 offers: ['password', 'oidc']
  }
}

export const session = {
  username: () => sessionStorage.getItem(USERNAME),
  /** Remembers Basic credentials for this tab (sessionStorage: gone when the tab closes). */
  remember(username, password) {
    const bytes = new TextEncoder().encode(`${username}:${password}`);
    sessionStorage.setItem(CREDENTIALS, btoa(String.fromCharCode(...bytes)));
    sessionStorage.setItem(USERNAME, username);
  },
  rememberName(username) { sessionStorage.setItem(USERNAME, username); },
  forget() { sessionStorage.removeItem(CREDENTIALS); sessionStorage.removeItem(USERNAME); },
  header: () => sessionStorage.getItem(CREDENTIALS),
};

function url(path, params) {
  const target = new URL(path, document.baseURI);
  for (const [name, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const one of Array.isArray(value) ? value : [value]) target.searchParams.append(name, one);
  }
  return target;
}

/** Calls `path` (relative to the page, e.g. 'ajax-api/2.0/mlflow/runs/get') and returns the Response. */
export async function raw(method, path, { params, body, credentials } = {}) {
  const headers = { 'X-Swiftrack-UI': '1' };
  const basic = credentials || session.header();
  if (basic) headers.Authorization = `Basic ${basic}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(url(path, params), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin',
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK_ERROR', `The server could not be reached (${error.message}).`);
  }
  if (!response.ok) throw await failure(response);
  return response;
}

async function failure(response) {
  const text = await response.text();
  let code = `HTTP_${response.status}`;
  let message = text.trim() || response.statusText;
  try {
    const json = JSON.parse(text);
    if (json.error_code) code = json.error_code;
    if (json.message) message = json.message;
  } catch { /* not JSON: keep the text */ }
  const offers = (response.headers.get('X-Swiftrack-Sign-In') || '').split(',').map((s) => s.trim()).filter(Boolean);
  const error = new ApiError(response.status, code, message, offers);
  if (response.status === 401) window.dispatchEvent(new CustomEvent('swiftrack:unauthenticated', { detail: error }));
  return error;
}

async function json(method, path, options) {
  const response = await raw(method, path, options);
  const text = await response.text();
  return text ? JSON.parse(text) : {};
}

/** GET ajax-api/2.0/<path> with query parameters (arrays repeat the name). */
export const get = (path, params) => json('GET', `ajax-api/2.0/${path}`, { params });
/** POST ajax-api/2.0/<path> with a JSON body. */
export const post = (path, body) => json('POST', `ajax-api/2.0/${path}`, { body: body || {} });
/** DELETE ajax-api/2.0/<path> with a JSON body. */
export const del = (path, body) => json('DELETE', `ajax-api/2.0/${path}`, { body: body || {} });

/** GET ajax-api/3.0/<path>: MLflow 3's routes (traces). */
export const getV3 = (path, params) => json('GET', `ajax-api/3.0/${path}`, { params });
/** POST ajax-api/3.0/<path> with a JSON body. */
export const postV3 = (path, body) => json('POST', `ajax-api/3.0/${path}`, { body: body || {} });

/** Checks Basic credentials against users/current without keeping them; returns the user. */
export async function checkCredentials(username, password) {
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  const basic = btoa(String.fromCharCode(...bytes));
  const response = await raw('GET', 'ajax-api/2.0/mlflow/users/current', { credentials: basic });
  return (await response.json()).user;
}

/** A run's artifact as a Blob (fetched with the credentials, which a plain link would not carry). */
export async function artifactBlob(runId, path) {
  const response = await raw('GET', 'get-artifact', { params: { path, run_uuid: runId } });
  return response.blob();
}
