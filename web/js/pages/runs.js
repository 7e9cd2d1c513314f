// An experiment's runs: MLflow's filter grammar, a column chooser for params, metrics and tags,
// sorting by a column header (order_by), and pages of 50 through page_token (never every run).
import { get, post } from '../api.js';
import { byKey, duration, errorBox, experimentTabs, fill, h, link, number, pageButtons, quoteKey, runName, time } from '../dom.js';

const PAGE = 50;
const FIXED = [
  { id: 'name', title: 'Run', order: 'attributes.run_name' },
  { id: 'status', title: 'Status', order: 'attributes.status' },
  { id: 'start', title: 'Started', order: 'attributes.start_time' },
  { id: 'duration', title: 'Duration', order: null, narrow: true },
  { id: 'user', title: 'User', order: 'attributes.user_id', narrow: true },
];
const KINDS = [['metrics', 'Metrics'], ['params', 'Parameters'], ['tags', 'Tags']];

export async function render(view, { args: [experimentId], query }) {
  const state = {
    filter: query.get('filter') || '',
    order: { key: query.get('order') || 'attributes.start_time', dir: query.get('dir') === 'ASC' ? 'ASC' : 'DESC' },
    tokens: [''], page: 0, runs: [], columns: null, seen: { metrics: new Set(), params: new Set(), tags: new Set() },
    selected: new Set(),
  };
  const heading = h('h1', {}, 'Experiment ' + experimentId);
  const filterBox = h('input', { type: 'search', name: 'filter', value: state.filter, 'aria-label': 'Filter runs',
    placeholder: "metrics.loss < 0.5 and params.lr = '0.01'" });
  const chooser = h('details', { class: 'columns' }, h('summary', {}, 'Columns'));
  const compare = h('a', { class: 'button', href: '#', 'aria-disabled': 'true', id: 'compare-selected',
    onclick: (event) => { if (state.selected.size === 0) event.preventDefault(); } }, 'Compare selected (0)');
  const results = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'toolbar', role: 'search', onsubmit: (event) => {
    event.preventDefault();
    state.filter = filterBox.value;
    restart();
  } }, filterBox, h('button', { type: 'submit' }, 'Filter'), chooser, compare);
  fill(view, h('div', { class: 'crumbs' }, h('a', { href: '#/experiments' }, 'Experiments')), heading,
    experimentTabs(experimentId, 'runs'), form, results);

  get('mlflow/experiments/get', { experiment_id: experimentId })
    .then((answer) => { heading.textContent = answer.experiment.name; document.title = `${answer.experiment.name} · Swiftrack`; })
    .catch((error) => results.before(errorBox(error)));

  function restart() {
    state.tokens = [''];
    state.page = 0;
    // The filter and order go into the address (a link to share), without a hashchange re-render.
    const wanted = { filter: state.filter || undefined, order: state.order.key, dir: state.order.dir };
    history.replaceState(null, '', link(['experiments', experimentId],
      Object.fromEntries(Object.entries(wanted).filter(([, v]) => v !== undefined))));
    load();
  }

  async function load() {
    fill(results, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const answer = await post('mlflow/runs/search', {
        experiment_ids: [experimentId], filter: state.filter, max_results: PAGE, run_view_type: 'ACTIVE_ONLY',
        order_by: [`${state.order.key} ${state.order.dir}`], page_token: state.tokens[state.page] || undefined,
      });
      state.tokens[state.page + 1] = answer.next_page_token || null;
      state.runs = answer.runs || [];
      learnKeys();
      show();
    } catch (error) {
      fill(results, errorBox(error));
    }
  }

  function learnKeys() {
    for (const run of state.runs) {
      for (const [kind] of KINDS) for (const item of run.data?.[kind] || []) state.seen[kind].add(item.key);
    }
    if (state.columns === null) {
      // First look: a few metrics and params; the chooser adds the rest.
      state.columns = [...[...state.seen.metrics].sort().slice(0, 4).map((k) => `metrics:${k}`),
        ...[...state.seen.params].sort().slice(0, 4).map((k) => `params:${k}`)];
    }
    drawChooser();
  }

  function drawChooser() {
    const open = chooser.open;
    const sets = KINDS.map(([kind, title]) => {
      const keys = [...state.seen[kind]].filter((k) => kind !== 'tags' || !k.startsWith('mlflow.')).sort();
      return h('fieldset', {}, h('legend', {}, title), keys.length ? keys.map((key) => {
        const id = `${kind}:${key}`;
        return h('label', { class: 'column-choice' }, h('input', { type: 'checkbox', checked: state.columns.includes(id),
          onchange: (event) => {
            state.columns = event.target.checked ? [...state.columns, id] : state.columns.filter((c) => c !== id);
            show();
          } }), ` ${key}`);
      }) : h('span', { class: 'muted' }, 'none on this page'));
    });
    fill(chooser, h('summary', {}, 'Columns'), h('div', {}, sets));
    chooser.open = open;
  }

  function header(title, order, narrow) {
    const sorted = order && state.order.key === order;
    const sort = sorted ? (state.order.dir === 'ASC' ? 'ascending' : 'descending') : undefined;
    const content = order ? h('button', { type: 'button', class: 'sort', onclick: () => {
      state.order = { key: order, dir: sorted && state.order.dir === 'DESC' ? 'ASC' : 'DESC' };
      restart();
    } }, title) : title;
    return h('th', { scope: 'col', 'aria-sort': sort, class: narrow ? 'hide-narrow' : undefined }, content);
  }

  function updateCompare() {
    const ids = [...state.selected];
    compare.textContent = `Compare selected (${ids.length})`;
    compare.href = ids.length >= 1 ? link(['compare'], { runs: ids.join(','), experiment: experimentId }) : '#';
    compare.setAttribute('aria-disabled', ids.length >= 1 ? 'false' : 'true');
  }

  function cell(run, column) {
    const [kind, ...rest] = column.split(':');
    const key = rest.join(':');
    const value = byKey(run.data?.[kind]).get(key);
    if (value === undefined) return h('td', {}, '');
    return h('td', { class: kind === 'metrics' ? 'num' : undefined }, kind === 'metrics' ? number(value) : value);
  }

  function show() {
    const chosen = state.columns;
    const head = h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Select')),
      FIXED.map((c) => header(c.title, c.order, c.narrow)),
      chosen.map((c) => {
        const [kind, ...rest] = c.split(':');
        const key = rest.join(':');
        return header(key, `${kind}.${quoteKey(key)}`);
      }));
    const rows = state.runs.map((run) => {
      const id = run.info.run_id;
      return h('tr', { 'data-run-id': id },
        h('td', {}, h('input', { type: 'checkbox', checked: state.selected.has(id), 'aria-label': `Select ${runName(run)}`,
          onchange: (event) => { if (event.target.checked) state.selected.add(id); else state.selected.delete(id); updateCompare(); } })),
        h('td', {}, h('a', { href: link(['runs', id]) }, runName(run))),
        h('td', {}, run.info.status),
        h('td', {}, time(run.info.start_time)),
        h('td', { class: 'hide-narrow' }, duration(run.info.start_time, run.info.end_time)),
        h('td', { class: 'hide-narrow' }, run.info.user_id || ''),
        chosen.map((c) => cell(run, c)));
    });
    const pager = pageButtons(state.page, Boolean(state.tokens[state.page + 1]), (delta) => { state.page += delta; load(); },
      'page-number');
    fill(results, state.runs.length === 0 ? h('p', { class: 'muted' }, 'No runs match.') : h('div', { class: 'table-wrap' },
      h('table', { id: 'runs' }, h('caption', { class: 'sr-only' }, 'Runs'), h('thead', {}, head), h('tbody', {}, rows))), pager);
    updateCompare();
  }

  await load();
}
