// Sign-in: a form whose credentials are checked against users/current and kept in
// sessionStorage; the provider's sign-in (/oidc/login) when the server offers it.
import { ApiError, checkCredentials, session } from '../api.js';
import { errorBox, fill, h } from '../dom.js';

export async function render(view) {
  const offers = (sessionStorage.getItem('swiftrack.offers') || 'password').split(',');
  const status = h('div', { 'aria-live': 'polite' });
  const username = h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'signin', onsubmit: async (event) => {
    event.preventDefault();
    fill(status, h('p', { class: 'muted' }, 'Checking…'));
    try {
      const user = await checkCredentials(username.value, password.value);
      session.remember(user?.username || username.value, password.value);
      fill(status);
      window.dispatchEvent(new CustomEvent('swiftrack:signedin'));
    } catch (error) {
      const shown = error instanceof ApiError && error.status === 401
        ? new ApiError(401, 'UNAUTHENTICATED', 'The user name or password is not right.') : error;
      fill(status, errorBox(shown));
      password.select();
    }
  } },
  h('label', {}, 'User name', username),
  h('label', {}, 'Password', password),
  h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  const oidc = offers.includes('oidc')
    ? h('p', {}, h('a', { href: new URL('oidc/login?next=' + encodeURIComponent('/'), document.baseURI).href,
      onclick: () => { sessionStorage.setItem('swiftrack.oidc', '1'); } }, 'Sign in with your identity provider'))
    : null;
  fill(view, h('h1', {}, 'Sign in'), h('p', { class: 'muted' }, 'This server needs you to sign in.'), form, status, oidc);
  username.focus();
}
