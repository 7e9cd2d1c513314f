// A run: its info (with a link to its traces, and for an evaluation run to its per-row results),
// params, tags, metric charts (several metrics overlaid) and artifacts.
import { get } from '../api.js';
import { artifactBrowser } from '../artifacts.js';
import { duration, errorBox, fill, h, kvTable, link, number, runName, time } from '../dom.js';
import { histories, metricPanel } from '../metricview.js';

export async function render(view, { args: [runId] }) {
  let run;
  try {
    run = (await get('mlflow/runs/get', { run_id: runId })).run;
  } catch (error) {
    fill(view, h('h1', {}, 'Run ' + runId), errorBox(error));
    return;
  }
  const { info, data } = run;
  const name = runName(run);
  document.title = `${name} · Swiftrack`;
  const tags = data.tags || [];
  const ownTags = tags.filter((t) => !t.key.startsWith('mlflow.'));
  const systemTags = tags.filter((t) => t.key.startsWith('mlflow.'));
  const metrics = [...(data.metrics || [])].sort((a, b) => a.key.localeCompare(b.key));
  const experiment = h('a', { href: link(['experiments', info.experiment_id]) }, `Experiment ${info.experiment_id}`);
  get('mlflow/experiments/get', { experiment_id: info.experiment_id })
    .then((answer) => { experiment.textContent = answer.experiment.name; }).catch(() => {});

  // First drawn: the metric with the longest history (the highest latest step).
  const first = [...metrics].sort((a, b) => Number(b.step) - Number(a.step) || a.key.localeCompare(b.key))[0];
  const chosen = new Set(first ? [first.key] : []);
  const cache = new Map();
  const panel = metricPanel({
    title: () => [...chosen].join(', ') || 'value',
    load: async () => Promise.all([...chosen].sort().map(async (key) => {
      if (!cache.has(key)) cache.set(key, (await histories([runId], key)).get(runId) || []);
      return { label: key, history: cache.get(key) };
    })),
  });
  const picks = h('fieldset', { class: 'checks' }, h('legend', { class: 'sr-only' }, 'Metrics to draw'),
    metrics.map((m) => h('label', {}, h('input', { type: 'checkbox', name: 'metric', value: m.key, checked: chosen.has(m.key),
      onchange: (event) => { if (event.target.checked) chosen.add(m.key); else chosen.delete(m.key); panel.reload(); } }),
    ` ${m.key}`)));

  fill(view,
    h('div', { class: 'crumbs' }, h('a', { href: '#/experiments' }, 'Experiments'), ' / ', experiment),
    h('h1', {}, name),
    kvTable('Run', [
      ['Run ID', h('code', {}, info.run_id)],
      ['Status', info.status],
      ['Started', time(info.start_time)],
      ['Duration', duration(info.start_time, info.end_time)],
      ['User', info.user_id || ''],
      ['Lifecycle', info.lifecycle_stage],
      ['Artifact URI', h('code', {}, info.artifact_uri || '')],
      // The filter mlflow.search_traces(run_id=...) sends: traces made inside the run.
      ['Traces', h('a', { id: 'run-traces', href: link(['experiments', info.experiment_id, 'traces'],
        { filter: `attribute.run_id = '${info.run_id}'` }) }, 'Traces of this run')],
      // mlflow.genai.evaluate tags its run: its traces are the rows, shown with their scores.
      tags.some((t) => t.key === 'mlflow.runType' && t.value === 'genai_evaluate')
        ? ['Evaluation', h('a', { id: 'run-evaluation', href: link(['compare'], { runs: info.run_id }) }, 'Per-row results')]
        : null,
    ].filter(Boolean)),
    h('div', { class: 'grid' },
      h('section', { 'aria-labelledby': 'params-h' }, h('h2', { id: 'params-h' }, `Parameters (${(data.params || []).length})`),
        (data.params || []).length ? kvTable('Parameters', data.params.map((p) => [p.key, p.value])) : h('p', { class: 'muted' }, 'None.')),
      h('section', { 'aria-labelledby': 'tags-h' }, h('h2', { id: 'tags-h' }, `Tags (${ownTags.length})`),
        ownTags.length ? kvTable('Tags', ownTags.map((t) => [t.key, t.value])) : h('p', { class: 'muted' }, 'None.'),
        systemTags.length ? h('details', {}, h('summary', {}, `System tags (${systemTags.length})`),
          kvTable('System tags', systemTags.map((t) => [t.key, t.value]))) : null)),
    h('section', { 'aria-labelledby': 'metrics-h' }, h('h2', { id: 'metrics-h' }, `Metrics (${metrics.length})`),
      metrics.length ? [
        h('div', { class: 'table-wrap' }, h('table', { id: 'metrics' }, h('caption', { class: 'sr-only' }, 'Latest metric values'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Metric'), h('th', { scope: 'col' }, 'Latest'),
            h('th', { scope: 'col' }, 'Step'))),
          h('tbody', {}, metrics.map((m) => h('tr', {}, h('td', {}, m.key), h('td', { class: 'num' }, number(m.value)),
            h('td', { class: 'num' }, m.step)))))),
        picks, panel.element] : h('p', { class: 'muted' }, 'None.')),
    h('section', { 'aria-labelledby': 'artifacts-h' }, h('h2', { id: 'artifacts-h' }, 'Artifacts'), artifactBrowser(runId)));
  if (metrics.length) await panel.reload();
}
