// A registered model: description, tags, aliases, its versions with stages, transition requests
// (approve, reject, cancel) and the history of stage and alias moves.
import { get } from '../api.js';
import { errorBox, fill, h, kvTable, link, time } from '../dom.js';
import { history, sealBadge, transitionRequests } from '../registry.js';

export async function render(view, { args: [name] }) {
  let model;
  try {
    model = (await get('mlflow/registered-models/get', { name })).registered_model;
  } catch (error) {
    fill(view, h('div', { class: 'crumbs' }, h('a', { href: '#/models' }, 'Models')), h('h1', {}, name), errorBox(error));
    return;
  }
  document.title = `${name} · Swiftrack`;
  const versions = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const aliasesOf = new Map();
  for (const a of model.aliases || []) aliasesOf.set(a.version, [...(aliasesOf.get(a.version) || []), a.alias]);
  const requests = transitionRequests(name);
  const historyBox = h('div', {}, history(name));
  fill(view,
    h('div', { class: 'crumbs' }, h('a', { href: '#/models' }, 'Models')),
    h('h1', {}, model.name),
    model.description ? h('p', { class: 'description' }, model.description) : null,
    kvTable('Model', [
      ['Created', time(model.creation_timestamp)],
      ['Last modified', time(model.last_updated_timestamp)],
      ['Aliases', (model.aliases || []).length ? model.aliases.map((a) => h('span', { class: 'badge' }, `@${a.alias} → v${a.version}`))
        : h('span', { class: 'muted' }, 'none')],
      ...(model.tags || []).map((t) => [`tag ${t.key}`, t.value]),
    ]),
    h('h2', {}, 'Versions'), versions,
    h('h2', {}, 'Transition requests'), requests.element,
    h('h2', {}, 'History'), historyBox);
  view.addEventListener('registry:changed', () => { loadVersions(); fill(historyBox, history(name)); });

  async function loadVersions() {
    try {
      const answer = await get('mlflow/model-versions/search', {
        filter: `name='${name.replace(/'/g, "\\'")}'`, max_results: 200, order_by: 'version_number DESC' });
      const list = answer.model_versions || [];
      fill(versions, list.length === 0 ? h('p', { class: 'muted' }, 'No versions.') : h('div', { class: 'table-wrap' },
        h('table', { id: 'versions' }, h('caption', { class: 'sr-only' }, 'Versions'),
          h('thead', {}, h('tr', {}, ['Version', 'Stage', 'Aliases', 'Created', 'Run'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, list.map((v) => h('tr', { 'data-version': v.version },
            h('td', {}, h('a', { href: link(['models', name, 'versions', v.version]) }, `Version ${v.version}`)),
            h('td', {}, h('span', { class: `badge stage-${v.current_stage}` }, v.current_stage), ' ', sealBadge(v)),
            h('td', {}, (v.aliases || aliasesOf.get(v.version) || []).map((a) => h('span', { class: 'badge' }, `@${a}`))),
            h('td', {}, time(v.creation_timestamp)),
            h('td', {}, v.run_id ? h('a', { href: link(['runs', v.run_id]) }, v.run_id.slice(0, 8)) : '')))))));
    } catch (error) {
      fill(versions, errorBox(error));
    }
  }
  await loadVersions();
}
