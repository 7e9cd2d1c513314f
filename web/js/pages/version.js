// One model version: stage, aliases, source, its run, tags, its seal and sealed files, its transition
// requests and a form to ask for a move.
import { get } from '../api.js';
import { errorBox, fill, h, kvTable, link, time } from '../dom.js';
import { requestForm, sealBadge, sealDigest, transitionRequests } from '../registry.js';

export async function render(view, { args: [name, number] }) {
  const crumbs = h('div', { class: 'crumbs' }, h('a', { href: '#/models' }, 'Models'), ' / ',
    h('a', { href: link(['models', name]) }, name));
  let version;
  try {
    version = (await get('mlflow/model-versions/get', { name, version: number })).model_version;
  } catch (error) {
    fill(view, crumbs, h('h1', {}, `${name} version ${number}`), errorBox(error));
    return;
  }
  document.title = `${name} v${number} · Swiftrack`;
  const requests = transitionRequests(name, number);
  const details = h('div');
  const seal = h('section', { id: 'seal' });
  function show(v) {
    fill(details, kvTable('Version', [
      ['Stage', h('span', { class: `badge stage-${v.current_stage}` }, v.current_stage), ' ', sealBadge(v)],
      ['Aliases', (v.aliases || []).map((a) => h('span', { class: 'badge' }, `@${a}`))],
      ['Status', v.status || ''],
      ['Created', time(v.creation_timestamp)],
      ['Last modified', time(v.last_updated_timestamp)],
      ['Created by', v.user_id || ''],
      ['Source', h('code', {}, v.source || '')],
      ['Run', v.run_id ? h('a', { href: link(['runs', v.run_id]) }, v.run_id) : ''],
      ['Description', v.description || ''],
      ...(v.tags || []).map((t) => [`tag ${t.key}`, t.value]),
    ]));
    showSeal(v);
  }
  // The manifest of a sealed version: what its promotion fixed, file by file.
  async function showSeal(v) {
    if (!sealDigest(v)) { fill(seal); return; }
    try {
      const s = (await get('swiftrack/model-versions/seal', { name, version: number })).seal;
      fill(seal, h('h2', {}, 'Seal'), kvTable('Seal', [
        ['Digest', h('code', {}, s.digest)],
        ['Sealed', time(s.sealed_time)],
        ['Approved by', s.approver || ''],
        ['Files', `${s.file_count} (${s.total_bytes} bytes)`],
      ]), h('div', { class: 'table-wrap' }, h('table', { id: 'sealed-files' },
        h('caption', { class: 'sr-only' }, 'Sealed files'),
        h('thead', {}, h('tr', {}, ['Path', 'Size', 'SHA-256'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, (s.files || []).map((f) => h('tr', {},
          h('td', {}, f.path), h('td', {}, String(f.size)), h('td', {}, h('code', {}, f.sha256))))))));
    } catch (error) {
      fill(seal, h('h2', {}, 'Seal'), errorBox(error));
    }
  }
  // Older answers carry no aliases on the version: take them from the model.
  if (!version.aliases) {
    try {
      const model = (await get('mlflow/registered-models/get', { name })).registered_model;
      version.aliases = (model.aliases || []).filter((a) => a.version === version.version).map((a) => a.alias);
    } catch { /* shown without */ }
  }
  show(version);
  view.addEventListener('registry:changed', async () => {
    try { show((await get('mlflow/model-versions/get', { name, version: number })).model_version); } catch { /* kept */ }
  });
  fill(view, crumbs, h('h1', {}, `${name} version ${number}`), details, seal,
    h('h2', {}, 'Ask for a move'), requestForm(name, number, () => requests.reload()),
    h('h2', {}, 'Transition requests'), requests.element);
}
