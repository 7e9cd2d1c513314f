// The UI's entry: hash routing (#/experiments, #/runs/<id>, #/traces/<id>, #/models/<name>...), the account
// area, and the sign-in page whenever a call answers 401.
import { ApiError, get, session } from './api.js';
import { errorBox, fill, h } from './dom.js';

const routes = [
  [/^\/?$/, () => import('./pages/experiments.js'), 'experiments'],
  [/^\/experiments$/, () => import('./pages/experiments.js'), 'experiments'],
  [/^\/experiments\/([^/]+)$/, () => import('./pages/runs.js'), 'experiments'],
  [/^\/experiments\/([^/]+)\/traces$/, () => import('./pages/traces.js'), 'experiments'],
  [/^\/traces\/([^/]+)$/, () => import('./pages/trace.js'), 'experiments'],
  [/^\/runs\/([^/]+)$/, () => import('./pages/run.js'), 'experiments'],
  // The links the mlflow client prints ("View run ... at #/experiments/1/runs/<id>").
  [/^\/experiments\/[^/]+\/runs\/([^/]+)$/, () => import('./pages/run.js'), 'experiments'],
  [/^\/compare$/, () => import('./pages/compare.js'), 'experiments'],
  [/^\/models$/, () => import('./pages/models.js'), 'models'],
  [/^\/models\/([^/]+)$/, () => import('./pages/model.js'), 'models'],
  [/^\/models\/([^/]+)\/versions\/([^/]+)$/, () => import('./pages/version.js'), 'models'],
  [/^\/signin$/, () => import('./pages/signin.js'), ''],
];

const main = document.getElementById('main');
let generation = 0;

/** The current hash as {path, query}: '#/compare?runs=a,b' -> {'/compare', URLSearchParams}. */
export function location() {
  // The path stays encoded (a model name may hold '/' or '?'): each part is decoded once, by render.
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const cut = hash.indexOf('?');
  const path = cut < 0 ? hash : hash.slice(0, cut);
  return { path, query: new URLSearchParams(cut < 0 ? '' : hash.slice(cut + 1)) };
}

async function render() {
  const mine = ++generation;
  const { path, query } = location();
  const hit = routes.find(([pattern]) => pattern.test(path));
  for (const a of document.querySelectorAll('.top nav a')) {
    a.toggleAttribute('aria-current', false);
    if (hit && a.dataset.section === hit[2]) a.setAttribute('aria-current', 'page');
  }
  if (!hit) {
    fill(main, h('h1', {}, 'Not found'), h('p', {}, 'No page here. ', h('a', { href: '#/experiments' }, 'Experiments')));
    return;
  }
  const args = path.match(hit[0]).slice(1).map((p) => decodeURIComponent(p));
  const view = h('div', { class: 'page' });
  try {
    const page = await hit[1]();
    if (mine !== generation) return;
    fill(main, view);
    // A page renders into `view`, which a newer navigation simply drops.
    await page.render(view, { args, query });
  } catch (error) {
    if (mine !== generation) return;
    if (error instanceof ApiError && error.status === 401) return; // the sign-in page is shown
    console.warn(error);
    fill(main, errorBox(error instanceof ApiError ? error : { code: 'SCRIPT_ERROR', message: String(error) }));
  }
}

function showAccount() {
  const name = session.username();
  document.getElementById('account').hidden = !name;
  document.getElementById('account-name').textContent = name ? `Signed in as ${name}` : '';
}

let returnTo = null;
window.addEventListener('swiftrack:unauthenticated', (event) => {
  if (location().path === '/signin') return;
  returnTo = window.location.hash || '#/experiments';
  session.forget();
  showAccount();
  sessionStorage.setItem('swiftrack.offers', (event.detail.signIn || []).join(','));
  window.location.hash = '#/signin';
});

window.addEventListener('swiftrack:signedin', () => {
  showAccount();
  const target = returnTo && returnTo !== '#/signin' ? returnTo : '#/experiments';
  returnTo = null;
  window.location.hash = target;
});

document.getElementById('sign-out').addEventListener('click', () => {
  const viaProvider = sessionStorage.getItem('swiftrack.oidc') === '1';
  session.forget();
  sessionStorage.removeItem('swiftrack.oidc');
  showAccount();
  if (viaProvider) window.location.href = new URL('oidc/logout', document.baseURI).href;
  else { window.location.hash = '#/signin'; render(); }
});

window.addEventListener('hashchange', render);
// Back from the provider's sign-in: the session cookie signs the calls in; ask who that is.
if (sessionStorage.getItem('swiftrack.oidc') === '1' && !session.username()) {
  get('mlflow/users/current').then((answer) => { session.rememberName(answer.user.username); showAccount(); },
    () => {});
}
showAccount();
render();
