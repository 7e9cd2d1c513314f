// The model registry's list: a name search and pages of 25.
import { get } from '../api.js';
import { errorBox, fill, h, link, pageButtons, time } from '../dom.js';

const PAGE = 25;

export async function render(view) {
  const box = h('input', { type: 'search', name: 'q', 'aria-label': 'Search models', placeholder: 'Model name' });
  const results = h('div', { 'aria-live': 'polite' });
  const tokens = [''];
  let page = 0;

  async function load() {
    fill(results, h('p', { class: 'muted' }, 'Loading…'));
    const q = box.value.trim().replace(/'/g, "\\'");
    try {
      const answer = await get('mlflow/registered-models/search', {
        filter: q ? `name ILIKE '%${q}%'` : undefined, max_results: PAGE, order_by: 'name ASC',
        page_token: tokens[page] || undefined,
      });
      tokens[page + 1] = answer.next_page_token || null;
      show(answer.registered_models || []);
    } catch (error) {
      fill(results, errorBox(error));
    }
  }

  function show(models) {
    const rows = models.map((m) => h('tr', {},
      h('td', {}, h('a', { href: link(['models', m.name]) }, m.name)),
      h('td', {}, (m.latest_versions || []).map((v) => h('span', { class: `badge stage-${v.current_stage}` },
        `v${v.version} ${v.current_stage}`))),
      h('td', {}, (m.aliases || []).map((a) => h('span', { class: 'badge' }, `@${a.alias} → v${a.version}`))),
      h('td', { class: 'hide-narrow' }, time(m.last_updated_timestamp))));
    const pager = pageButtons(page, Boolean(tokens[page + 1]), (delta) => { page += delta; load(); });
    fill(results, models.length === 0 ? h('p', { class: 'muted' }, 'No registered models match.') : h('div', { class: 'table-wrap' },
      h('table', { id: 'models' }, h('caption', { class: 'sr-only' }, 'Registered models'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Latest versions'),
          h('th', { scope: 'col' }, 'Aliases'), h('th', { scope: 'col', class: 'hide-narrow' }, 'Last modified'))),
        h('tbody', {}, rows))), pager);
  }

  const form = h('form', { class: 'toolbar', role: 'search', onsubmit: (event) => {
    event.preventDefault();
    tokens.length = 1;
    page = 0;
    load();
  } }, box, h('button', { type: 'submit' }, 'Search'));
  fill(view, h('h1', {}, 'Registered models'), form, results);
  await load();
}
