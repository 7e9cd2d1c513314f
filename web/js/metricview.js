// A metric chart with its controls, shared by the run page and the compare view: x-axis (step,
// wall time, relative time), smoothing, log scale. Histories come downsampled by the server
// (metrics/get-history-bulk-interval), so a run with 100,000 points draws from at most POINTS.
import { get } from './api.js';
import { lineChart, smooth } from './charts.js';
import { errorBox, fill, h } from './dom.js';

export const POINTS = 1000;

/** {run_id -> [{step, timestamp, value}]} of `key` for the runs, sampled by the server. */
export async function histories(runIds, key) {
  const answer = await get('mlflow/metrics/get-history-bulk-interval', { run_ids: runIds, metric_key: key, max_results: POINTS });
  const out = new Map(runIds.map((id) => [id, []]));
  for (const m of answer.metrics || []) (out.get(m.run_id) || out.set(m.run_id, []).get(m.run_id)).push(m);
  for (const list of out.values()) list.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  return out;
}

/**
 * The chart panel. `load()` returns [{label, history: [{step, timestamp, value}]}]; it is called
 * again only when `reload()` is; changing a control redraws from what was loaded.
 */
export function metricPanel({ title, load }) {
  const settings = { x: 'step', smoothing: 0, log: false };
  const chart = h('div', { class: 'chart-area' });
  let series = [];
  const xSelect = h('select', { name: 'x-axis', onchange: (event) => { settings.x = event.target.value; draw(); } },
    h('option', { value: 'step' }, 'Step'), h('option', { value: 'time' }, 'Wall time'),
    h('option', { value: 'relative' }, 'Relative time (s)'));
  const slider = h('input', { type: 'range', min: '0', max: '0.99', step: '0.01', value: '0', name: 'smoothing',
    oninput: (event) => { settings.smoothing = Number(event.target.value); sliderValue.textContent = event.target.value; draw(); } });
  const sliderValue = h('output', {}, '0');
  const log = h('input', { type: 'checkbox', name: 'log-scale', onchange: (event) => { settings.log = event.target.checked; draw(); } });
  const controls = h('div', { class: 'controls' },
    h('label', {}, 'X axis ', xSelect),
    h('label', {}, 'Smoothing ', slider, ' ', sliderValue),
    h('label', {}, log, ' Log scale'));

  function draw() {
    const drawn = series.map(({ label, history }) => {
      const first = history.length ? history[0].timestamp : 0;
      const points = history.map((m) => [
        settings.x === 'step' ? m.step : settings.x === 'time' ? m.timestamp : (m.timestamp - first) / 1000,
        Number(m.value)]);
      return { label, points: smooth(points, settings.smoothing) };
    });
    if (!drawn.some((s) => s.points.length)) {
      fill(chart, h('p', { class: 'muted' }, 'Nothing to draw: choose a metric.'));
      return;
    }
    const xTitle = settings.x === 'step' ? 'step' : settings.x === 'time' ? 'wall time' : 'seconds since the first point';
    fill(chart, lineChart({ series: drawn, xKind: settings.x === 'time' ? 'time' : 'number', xTitle,
      yTitle: title(), logY: settings.log, title: `${title()} by ${xTitle}` }));
  }

  async function reload() {
    fill(chart, h('p', { class: 'muted' }, 'Loading…'));
    try {
      series = await load();
      draw();
    } catch (error) {
      fill(chart, errorBox(error));
    }
  }

  return { element: h('div', { class: 'panel metric-panel' }, controls, chart), reload };
}
