// One model version: stage, aliases, source, its run, tags, its transition requests and a form to ask for a move.
import { get } from '../api.js';
import { errorBox, fill, h, kvTable, link, time } from '../dom.js';
import { requestForm, transitionRequests } from '../registry.js';

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
  function show(v) {
    fill(details, kvTable('Version', [
      ['Stage', h('span', { class: `badge stage-${v.current_stage}` }, v.current_stage)],
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
  fill(view, crumbs, h('h1', {}, `${name} version ${number}`), details,
    h('h2', {}, 'Ask for a move'), requestForm(name, number, () => requests.reload()),
    h('h2', {}, 'Transition requests'), requests.element);
}
