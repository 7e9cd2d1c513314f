// The per-row results of evaluation runs side by side (the compare view's "Evaluation results"):
// each run's traces (those linked to it, as mlflow.search_traces(run_id=...) finds them) matched by
// their input, one row per input with the expectations, then per run its output and every scorer's
// value; a cell that differs from the first run's is marked. Read in pages of 500 up to ROW_CAP
// traces a run (a larger evaluation says so), shown 50 rows a page. Values are text nodes only.
import { postV3 } from './api.js';
import { errorBox, fill, h, link, pageButtons } from './dom.js';
import { assessmentNames, assessmentsOf, inputText, matchRows, outputText, rowDiffers } from './evalrows.js';

const SEARCH_PAGE = 500;   // traces/search's largest page
export const ROW_CAP = 2000;
const ROWS_PER_PAGE = 50;
const PREVIEW = 200;

function clip(text) {
  const flat = String(text).replace(/\s+/g, ' ');
  return flat.length > PREVIEW ? flat.slice(0, PREVIEW) + '…' : flat;
}

/** A run's traces, oldest first (the order evaluate() wrote its rows), and whether more were left unread. */
async function runTraces(run) {
  const traces = [];
  const id = run.info.run_id;
  // Run ids are the server's (hex); anything else could not be quoted into the filter safely.
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return { traces, more: false };
  let token;
  do {
    const answer = await postV3('mlflow/traces/search', {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: run.info.experiment_id } }],
      filter: `attribute.run_id = '${id}'`,
      max_results: Math.min(SEARCH_PAGE, ROW_CAP - traces.length), order_by: ['timestamp_ms ASC'], page_token: token,
    });
    traces.push(...(answer.traces || []));
    token = answer.next_page_token || undefined;
  } while (token && traces.length < ROW_CAP);
  return { traces, more: Boolean(token) };
}

/** The section for `runs` (runs/get answers) with `names` (run id -> name); empty and hidden unless a run has traces. */
export function evaluationSection(runs, names) {
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading the runs\' evaluation results…'));
  const section = h('section', { id: 'evaluation', 'aria-labelledby': 'evaluation-h' },
    h('h2', { id: 'evaluation-h' }, 'Evaluation results'), body);
  section.ready = Promise.all(runs.map(runTraces)).then((loaded) => {
    const evaluated = runs.map((run, i) => ({ run, ...loaded[i] })).filter((r) => r.traces.length > 0);
    if (evaluated.length === 0) { section.hidden = true; return; }
    fill(body, resultsTable(evaluated, names, runs.length - evaluated.length));
  }).catch((error) => fill(body, errorBox(error)));
  return section;
}

function resultsTable(evaluated, names, withoutTraces) {
  const allTraces = evaluated.flatMap((r) => r.traces);
  const { feedback: scorers, expectation: expectations } = assessmentNames(allTraces);
  const rows = matchRows(evaluated.map((r) => r.traces));
  for (const row of rows) row.differs = rowDiffers(row, scorers);
  const state = { page: 0, onlyDiffering: false };
  const differing = rows.filter((r) => r.differs).length;
  const compared = evaluated.length > 1;

  const head = h('thead', {},
    h('tr', {},
      h('th', { scope: 'col', rowspan: 2 }, 'Input'),
      expectations.length ? h('th', { scope: 'colgroup', colspan: expectations.length }, 'Expected') : null,
      evaluated.map(({ run }) => h('th', { scope: 'colgroup', colspan: 1 + scorers.length, class: 'run-group' },
        h('a', { href: link(['runs', run.info.run_id]) }, names.get(run.info.run_id))))),
    h('tr', {}, expectations.map((name) => h('th', { scope: 'col' }, name)),
      evaluated.map(() => [h('th', { scope: 'col', class: 'run-group' }, 'Output'),
        scorers.map((name) => h('th', { scope: 'col' }, name))])));
  const tbody = h('tbody');
  const pager = h('div');
  const table = h('div', { class: 'table-wrap' }, h('table', { id: 'evaluation-rows' },
    h('caption', { class: 'sr-only' }, 'Each input with every run\'s output and scores'), head, tbody));

  function cellsOf(info, first, index) {
    if (!info) return [h('td', { class: 'run-group missing', colspan: 1 + scorers.length }, 'no trace for this input')];
    const scores = assessmentsOf(info).feedback;
    const firstScores = first && index > 0 ? assessmentsOf(first).feedback : null;
    const mark = (differs) => differs ? h('span', { class: 'diff-mark', title: 'differs from the first run' }, ' ≠') : null;
    const output = outputText(info);
    const outputDiffers = Boolean(firstScores) && output !== outputText(first);
    return [
      h('td', { class: `run-group eval-output${outputDiffers ? ' differs' : ''}`, title: output },
        h('a', { href: link(['traces', info.trace_id]) }, clip(output)), mark(outputDiffers)),
      scorers.map((name) => {
        const score = scores.get(name);
        const differs = Boolean(firstScores) && score?.text !== firstScores.get(name)?.text;
        return h('td', { class: `eval-score${differs ? ' differs' : ''}`, 'data-scorer': name,
          title: score?.rationale || undefined }, score ? score.text : '', mark(differs));
      }),
    ];
  }

  function draw() {
    const shown = state.onlyDiffering ? rows.filter((r) => r.differs) : rows;
    const pages = Math.max(1, Math.ceil(shown.length / ROWS_PER_PAGE));
    state.page = Math.min(state.page, pages - 1);
    const slice = shown.slice(state.page * ROWS_PER_PAGE, (state.page + 1) * ROWS_PER_PAGE);
    fill(tbody, slice.map((row) => {
      const first = row.cells[0];
      const holder = row.cells.find(Boolean);
      const expected = assessmentsOf(holder).expectation;
      return h('tr', { class: row.differs ? 'row-differs' : undefined },
        h('td', { class: 'eval-input', title: row.input }, clip(row.input)),
        expectations.map((name) => h('td', {}, clip(expected.get(name)?.text ?? ''))),
        row.cells.map((info, index) => cellsOf(info, first, index)));
    }));
    fill(pager, shown.length > ROWS_PER_PAGE
      ? pageButtons(state.page, state.page + 1 < pages, (delta) => { state.page += delta; draw(); }, 'evaluation-page') : null);
  }
  draw();

  const notes = [
    h('p', { id: 'evaluation-summary' }, compared
      ? `${rows.length} inputs; ${differing} differ between the runs.` : `${rows.length} inputs.`),
    evaluated.filter((r) => r.more).map(({ run }) => h('p', { class: 'muted' },
      `Only the first ${ROW_CAP.toLocaleString('en')} traces of ${names.get(run.info.run_id)} are shown.`)),
    withoutTraces ? h('p', { class: 'muted' }, `${withoutTraces} of the runs have no traces and are left out.`) : null,
  ];
  const toggle = compared ? h('label', {}, h('input', { type: 'checkbox', name: 'only-differing', onchange: (event) => {
    state.onlyDiffering = event.target.checked;
    state.page = 0;
    draw();
  } }), ' Only inputs whose results differ') : null;
  return [notes, toggle, table, pager];
}
