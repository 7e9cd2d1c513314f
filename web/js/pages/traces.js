// An experiment's traces: MLflow's trace filter grammar, newest first, pages of 25 through
// page_token (traces/search under ajax-api/3.0, which answers TraceInfoV3 without spans).
import { get, postV3 } from '../api.js';
import { errorBox, experimentTabs, fill, h, link, pageButtons, time } from '../dom.js';
import { durationMillis, millis, traceName } from '../spans.js';

const PAGE = 25;
const PREVIEW = 120;

function preview(text) {
  const flat = (text || '').replace(/\s+/g, ' ');
  return flat.length > PREVIEW ? flat.slice(0, PREVIEW) + '…' : flat;
}

export async function render(view, { args: [experimentId], query }) {
  const state = { filter: query.get('filter') || '', tokens: [''], page: 0 };
  const heading = h('h1', {}, 'Experiment ' + experimentId);
  const filterBox = h('input', { type: 'search', name: 'trace-filter', value: state.filter, 'aria-label': 'Filter traces',
    placeholder: "trace.status = 'ERROR' and tags.topic = 'billing'" });
  const results = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'toolbar', role: 'search', onsubmit: (event) => {
    event.preventDefault();
    state.filter = filterBox.value;
    restart();
  } }, filterBox, h('button', { type: 'submit' }, 'Filter'));
  fill(view, h('div', { class: 'crumbs' }, h('a', { href: '#/experiments' }, 'Experiments')), heading,
    experimentTabs(experimentId, 'traces'), form, results);

  get('mlflow/experiments/get', { experiment_id: experimentId })
    .then((answer) => { heading.textContent = answer.experiment.name; document.title = `Traces · ${answer.experiment.name} · Swiftrack`; })
    .catch((error) => results.before(errorBox(error)));

  function restart() {
    state.tokens = [''];
    state.page = 0;
    // The filter goes into the address (a link to share), without a hashchange re-render.
    history.replaceState(null, '', link(['experiments', experimentId, 'traces'], state.filter ? { filter: state.filter } : undefined));
    load();
  }

  async function load() {
    fill(results, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const answer = await postV3('mlflow/traces/search', {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
        filter: state.filter || undefined, max_results: PAGE, order_by: ['timestamp_ms DESC'],
        page_token: state.tokens[state.page] || undefined,
      });
      state.tokens[state.page + 1] = answer.next_page_token || null;
      show(answer.traces || []);
    } catch (error) {
      fill(results, errorBox(error));
    }
  }

  function show(traces) {
    const column = (title, narrow) => h('th', { scope: 'col', class: narrow ? 'hide-narrow' : undefined }, title);
    const rows = traces.map((info) => h('tr', { 'data-trace-id': info.trace_id },
      h('td', {}, h('a', { href: link(['traces', info.trace_id]), title: info.trace_id }, h('code', {}, info.trace_id.slice(0, 11)))),
      h('td', {}, traceName(info)),
      h('td', {}, time(Date.parse(info.request_time))),
      h('td', { class: 'num' }, millis(durationMillis(info.execution_duration))),
      h('td', { class: `state-${info.state}` }, info.state || ''),
      h('td', { class: 'preview-cell hide-narrow', title: info.request_preview || '' }, preview(info.request_preview)),
      h('td', { class: 'preview-cell hide-narrow', title: info.response_preview || '' }, preview(info.response_preview))));
    const pager = pageButtons(state.page, Boolean(state.tokens[state.page + 1]), (delta) => { state.page += delta; load(); },
      'traces-page');
    fill(results, traces.length === 0 ? h('p', { class: 'muted' }, 'No traces match.') : h('div', { class: 'table-wrap' },
      h('table', { id: 'traces' }, h('caption', { class: 'sr-only' }, 'Traces'),
        h('thead', {}, h('tr', {}, column('Trace'), column('Name'), column('Request time'), column('Duration'),
          column('State'), column('Request', true), column('Response', true))),
        h('tbody', {}, rows))), pager);
  }

  await load();
}
