// Several runs side by side: their params and metrics in one table, evaluation runs' per-row results
// (js/evaluation.js), a scatter of any param or metric against a metric, and one metric's curves
// overlaid (one series per run).
import { get } from '../api.js';
import { parallelChart, scatterChart } from '../charts.js';
import { byKey, errorBox, fill, h, link, number, runName } from '../dom.js';
import { evaluationSection } from '../evaluation.js';
import { histories, metricPanel } from '../metricview.js';

export async function render(view, { query }) {
  const ids = (query.get('runs') || '').split(',').filter(Boolean).slice(0, 100);
  if (ids.length === 0) {
    fill(view, h('h1', {}, 'Compare runs'), h('p', {}, 'Select runs in an experiment\'s table, then "Compare selected".'));
    return;
  }
  let runs;
  try {
    runs = await Promise.all(ids.map(async (id) => (await get('mlflow/runs/get', { run_id: id })).run));
  } catch (error) {
    fill(view, h('h1', {}, 'Compare runs'), errorBox(error));
    return;
  }
  const names = new Map(runs.map((r) => [r.info.run_id, runName(r)]));
  const params = new Map(runs.map((r) => [r.info.run_id, byKey(r.data.params)]));
  const metrics = new Map(runs.map((r) => [r.info.run_id, byKey(r.data.metrics)]));
  const paramKeys = [...new Set(runs.flatMap((r) => (r.data.params || []).map((p) => p.key)))].sort();
  const metricKeys = [...new Set(runs.flatMap((r) => (r.data.metrics || []).map((m) => m.key)))].sort();
  const experiment = query.get('experiment') || runs[0].info.experiment_id;
  const experimentLink = h('a', { href: link(['experiments', experiment]) }, `Experiment ${experiment}`);
  get('mlflow/experiments/get', { experiment_id: experiment })
    .then((answer) => { experimentLink.textContent = answer.experiment.name; }).catch(() => {});

  const table = h('div', { class: 'table-wrap' }, h('table', { id: 'compare-table' },
    h('caption', { class: 'sr-only' }, 'Parameters and metrics of the runs'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), runs.map((r) => h('th', { scope: 'col' },
      h('a', { href: link(['runs', r.info.run_id]) }, names.get(r.info.run_id)))))),
    h('tbody', {},
      paramKeys.map((k) => h('tr', {}, h('th', { scope: 'row' }, `param ${k}`), ids.map((id) => h('td', {}, params.get(id)?.get(k) ?? '')))),
      metricKeys.map((k) => h('tr', {}, h('th', { scope: 'row' }, `metric ${k}`),
        ids.map((id) => h('td', { class: 'num' }, metrics.get(id)?.has(k) ? number(metrics.get(id).get(k)) : '')))))));

  // Scatter: x is a param or a metric, y a metric.
  const axes = [...paramKeys.map((k) => `params:${k}`), ...metricKeys.map((k) => `metrics:${k}`)];
  const value = (id, axis) => {
    const [kind, ...rest] = axis.split(':');
    const found = (kind === 'params' ? params : metrics).get(id)?.get(rest.join(':'));
    return found === undefined ? NaN : Number(found);
  };
  const xSelect = h('select', { name: 'scatter-x', onchange: drawScatter },
    axes.map((a) => h('option', { value: a }, a.replace(':', ' '))));
  const ySelect = h('select', { name: 'scatter-y', onchange: drawScatter },
    metricKeys.map((k) => h('option', { value: `metrics:${k}` }, `metrics ${k}`)));
  if (paramKeys.length) xSelect.value = `params:${paramKeys[0]}`;
  const scatter = h('div');
  function drawScatter() {
    if (!xSelect.value || !ySelect.value) { fill(scatter, h('p', { class: 'muted' }, 'These runs have no metrics.')); return; }
    const points = ids.map((id) => ({ x: value(id, xSelect.value), y: value(id, ySelect.value), label: names.get(id) }));
    const usable = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    fill(scatter, usable.length ? scatterChart({ points, xTitle: xSelect.value.replace(':', ' '),
      yTitle: ySelect.value.replace(':', ' '), title: 'Scatter of the runs' })
      : h('p', { class: 'muted' }, 'No run has numbers for both axes.'));
  }

  // Parallel coordinates over the numeric params and the metrics (at most 10 axes).
  const numeric = axes.filter((a) => ids.some((id) => Number.isFinite(value(id, a)))).slice(0, 10);
  const parallel = numeric.length >= 2
    ? parallelChart({ axes: numeric.map((a) => ({ name: a.split(':').slice(1).join(':'), value: (line) => value(line.id, a) })),
      lines: ids.map((id) => ({ id, label: names.get(id) })), title: 'Parallel coordinates of the runs' })
    : h('p', { class: 'muted' }, 'Fewer than two numeric params and metrics to draw.');

  // Curves of one metric, one series per run.
  const curveKey = h('select', { name: 'curve-metric', onchange: () => panel.reload() },
    metricKeys.map((k) => h('option', { value: k }, k)));
  // First drawn: the metric with the longest history in any of the runs.
  const longest = runs.flatMap((r) => r.data.metrics || []).sort((a, b) => Number(b.step) - Number(a.step))[0];
  if (longest) curveKey.value = longest.key;
  const panel = metricPanel({
    title: () => curveKey.value,
    load: async () => {
      if (!curveKey.value) return [];
      const found = await histories(ids, curveKey.value);
      return ids.map((id) => ({ label: names.get(id), history: found.get(id) || [] }));
    },
  });

  const evaluation = evaluationSection(runs, names);
  fill(view,
    h('div', { class: 'crumbs' }, h('a', { href: '#/experiments' }, 'Experiments'), ' / ',
      experimentLink),
    h('h1', {}, runs.length === 1 ? names.get(runs[0].info.run_id) : `Compare ${runs.length} runs`), table, evaluation,
    h('div', { class: 'grid' },
      h('section', {}, h('h2', {}, 'Scatter'), h('div', { class: 'controls' }, h('label', {}, 'X ', xSelect), h('label', {}, 'Y ', ySelect)), scatter),
      h('section', {}, h('h2', {}, 'Metric curves'), h('div', { class: 'controls' }, h('label', {}, 'Metric ', curveKey)), panel.element)),
    h('section', { class: 'parallel' }, h('h2', {}, 'Parallel coordinates'), parallel));
  drawScatter();
  if (metricKeys.length) await panel.reload();
  await evaluation.ready;
}
