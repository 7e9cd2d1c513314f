// The experiments list: a search box (a name, or MLflow's experiment filter grammar) and pages of 25.
import { post } from '../api.js';
import { errorBox, fill, h, link, pageButtons, time } from '../dom.js';

const PAGE = 25;

/** A plain word searches names; anything with an operator is passed as MLflow's filter. */
export function experimentFilter(text) {
  const q = text.trim();
  if (!q) return '';
  if (/(=|<|>|\bLIKE\b|\bILIKE\b)/i.test(q)) return q;
  return `name ILIKE '%${q.replace(/'/g, "\\'")}%'`;
}

export async function render(view, { query }) {
  const box = h('input', { type: 'search', name: 'q', value: query.get('q') || '', 'aria-label': 'Search experiments',
    placeholder: "Name, or a filter such as tags.team = 'vision'" });
  const results = h('div', { 'aria-live': 'polite' });
  const tokens = [''];
  let page = 0;

  async function load() {
    fill(results, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const answer = await post('mlflow/experiments/search', {
        max_results: PAGE, filter: experimentFilter(box.value), order_by: ['last_update_time DESC'],
        page_token: tokens[page] || undefined,
      });
      tokens[page + 1] = answer.next_page_token || null;
      show(answer.experiments || []);
    } catch (error) {
      fill(results, errorBox(error));
    }
  }

  function show(experiments) {
    const rows = experiments.map((e) => h('tr', {},
      h('td', {}, h('a', { href: link(['experiments', e.experiment_id]) }, e.name)),
      h('td', { class: 'num' }, e.experiment_id),
      h('td', { class: 'hide-narrow' }, e.artifact_location),
      h('td', {}, time(e.last_update_time || e.creation_time))));
    const pager = pageButtons(page, Boolean(tokens[page + 1]), (delta) => { page += delta; load(); });
    fill(results, experiments.length === 0 ? h('p', { class: 'muted' }, 'No experiments match.') : h('div', { class: 'table-wrap' },
      h('table', { id: 'experiments' }, h('caption', { class: 'sr-only' }, 'Experiments'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'ID'),
          h('th', { scope: 'col', class: 'hide-narrow' }, 'Artifact location'), h('th', { scope: 'col' }, 'Last updated'))),
        h('tbody', {}, rows))), pager);
  }

  const form = h('form', { class: 'toolbar', role: 'search', onsubmit: (event) => {
    event.preventDefault();
    tokens.length = 1;
    page = 0;
    load();
  } }, box, h('button', { type: 'submit' }, 'Search'));
  fill(view, h('h1', {}, 'Experiments'), form, results);
  await load();
}
