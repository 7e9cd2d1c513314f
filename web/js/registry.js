// Pieces the model and version pages share: transition requests with their decisions, the history
// of stage and alias moves, and the form that asks for a move.
import { del, get, post } from './api.js';
import { errorBox, fill, h, link, time } from './dom.js';

const DONE = { Approve: 'approved', Reject: 'rejected', Cancel: 'cancelled' };

function target(request) {
  return request.to_stage ? `stage ${request.to_stage}` : `alias @${request.alias}`;
}

/** The transition requests of a model (of one version when `version` is given), pending ones decidable. */
export function transitionRequests(name, version) {
  const box = h('div', { class: 'transition-requests', 'aria-live': 'polite' });
  async function load(notice) {
    try {
      const answer = await get('mlflow/transition-requests/list', { name, version });
      const requests = (answer.requests || []).slice().reverse();
      if (requests.length === 0) { fill(box, notice, h('p', { class: 'muted' }, 'No transition requests.')); return; }
      fill(box, notice, h('div', { class: 'table-wrap' }, h('table', { id: 'transition-requests' },
        h('caption', { class: 'sr-only' }, 'Transition requests'),
        h('thead', {}, h('tr', {}, ['#', 'Version', 'Move to', 'Status', 'Asked by', 'Comment', 'Decision'].map((t) =>
          h('th', { scope: 'col' }, t)))),
        h('tbody', {}, requests.map((r) => h('tr', { 'data-request-id': r.id },
          h('td', { class: 'num' }, r.id),
          h('td', {}, h('a', { href: link(['models', name, 'versions', r.version]) }, `v${r.version}`)),
          h('td', {}, target(r)),
          h('td', {}, h('span', { class: 'badge' }, r.status)),
          h('td', {}, r.user_id || '', h('div', { class: 'muted' }, time(r.creation_timestamp))),
          h('td', {}, r.comment || ''),
          h('td', {}, r.status === 'PENDING' ? decide(r) : [r.resolved_by || '', r.resolution_comment ? `: ${r.resolution_comment}` : '',
            h('div', { class: 'muted' }, time(r.resolution_timestamp))])))))));
    } catch (error) {
      fill(box, errorBox(error));
    }
  }
  function decide(r) {
    const comment = h('input', { type: 'text', name: 'comment', 'aria-label': `Comment on request ${r.id}`, placeholder: 'Comment' });
    const act = (verb, call) => h('button', { type: 'button', class: verb === 'Approve' ? 'primary' : verb === 'Reject' ? 'danger' : undefined,
      'data-action': verb.toLowerCase(), onclick: async () => {
        try {
          await call({ request_id: r.id, comment: comment.value || undefined });
          await load(h('p', { class: 'notice', role: 'status' }, `Request ${r.id} ${DONE[verb]}.`));
          box.dispatchEvent(new CustomEvent('registry:changed', { bubbles: true }));
        } catch (error) {
          box.prepend(errorBox(error));
        }
      } }, verb);
    return h('div', { class: 'inline-form' }, comment,
      act('Approve', (body) => post('mlflow/transition-requests/approve', body)),
      act('Reject', (body) => post('mlflow/transition-requests/reject', body)),
      act('Cancel', (body) => del('mlflow/transition-requests/delete', body)));
  }
  load();
  return { element: box, reload: () => load() };
}

/** The recorded stage and alias moves of a model, newest first. */
export function history(name) {
  const box = h('div', {});
  get('swiftrack/registered-models/history', { name }).then((answer) => {
    const entries = answer.entries || [];
    fill(box, entries.length === 0 ? h('p', { class: 'muted' }, 'No stage or alias moves yet.') : h('div', { class: 'table-wrap' },
      h('table', { id: 'history' }, h('caption', { class: 'sr-only' }, 'History'),
        h('thead', {}, h('tr', {}, ['When', 'Version', 'Move', 'By'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, entries.map((e) => h('tr', {},
          h('td', {}, time(e.timestamp)),
          h('td', {}, `v${e.version}`),
          h('td', {}, e.kind === 'alias'
            ? `@${e.alias}: ${e.from ? 'v' + e.from : '(new)'} → ${e.to ? 'v' + e.to : '(removed)'}`
            : `${e.from} → ${e.to}`, e.rollback ? h('span', { class: 'badge' }, 'rollback') : null),
          h('td', {}, e.user_id || '')))))));
  }, (error) => fill(box, errorBox(error)));
  return box;
}

/** The form asking for a version to move to a stage or under an alias. */
export function requestForm(name, version, onDone) {
  const kind = h('select', { name: 'kind', 'aria-label': 'Kind of move' },
    h('option', { value: 'stage' }, 'Stage'), h('option', { value: 'alias' }, 'Alias'));
  const value = h('input', { type: 'text', name: 'target', 'aria-label': 'Stage or alias', placeholder: 'Production', required: true });
  const comment = h('input', { type: 'text', name: 'comment', 'aria-label': 'Comment', placeholder: 'Why' });
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'inline-form', onsubmit: async (event) => {
    event.preventDefault();
    try {
      await post('mlflow/transition-requests/create', { name, version, [kind.value]: value.value, comment: comment.value || undefined });
      fill(status, h('p', { class: 'notice', role: 'status' }, 'Requested.'));
      onDone();
    } catch (error) {
      fill(status, errorBox(error));
    }
  } }, kind, value, comment, h('button', { type: 'submit' }, 'Ask for the move'));
  return h('div', {}, form, status);
}

/** The tag the server sets on a sealed version (docs/REGISTRY.md, "Sealed versions"). */
export const SEAL_DIGEST_TAG = 'swiftrack.seal.digest';

/** The seal's digest of a version (from its tags), or '' when it is not sealed. */
export function sealDigest(version) {
  const tag = (version.tags || []).find((t) => t.key === SEAL_DIGEST_TAG);
  return tag ? tag.value : '';
}

/** A "sealed" badge carrying the digest as its title, or nothing. */
export function sealBadge(version) {
  const digest = sealDigest(version);
  return digest ? h('span', { class: 'badge sealed', title: `sealed: ${digest}` }, 'sealed') : '';
}
