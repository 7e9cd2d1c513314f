// One trace (#/traces/<trace_id>[?span=<hex span id>]): its info, tags and metadata, the span
// tree, the selected span's inputs, outputs, attributes and events, and the assessments. Span
// data is the caller's (model inputs, tool outputs): it only ever becomes text nodes, via h().
import { get, getV3 } from '../api.js';
import { errorBox, fill, h, kvTable, link, time } from '../dom.js';
import { assessmentValue, attributes, durationMillis, hexId, millis, pretty, spanForest, spanMillis,
  spanStartMillis, statusName, traceName } from '../spans.js';

// Shown in their own boxes, not again among the attributes.
const SHOWN = new Set(['mlflow.spanInputs', 'mlflow.spanOutputs', 'mlflow.spanType', 'mlflow.traceRequestId']);

const json = (value) => h('pre', { class: 'json' }, pretty(value));

export async function render(view, { args: [traceId], query }) {
  let trace;
  try {
    trace = (await getV3('mlflow/traces/get', { trace_id: traceId })).trace;
  } catch (error) {
    fill(view, h('h1', {}, 'Trace ' + traceId), errorBox(error));
    return;
  }
  const info = trace.trace_info || {};
  const spans = trace.spans || [];
  const name = traceName(info);
  document.title = `${name} · Swiftrack`;
  const experimentId = info.trace_location?.mlflow_experiment?.experiment_id;
  const experiment = experimentId
    ? h('a', { href: link(['experiments', experimentId, 'traces']) }, `Experiment ${experimentId}`) : null;
  if (experimentId) {
    get('mlflow/experiments/get', { experiment_id: experimentId })
      .then((answer) => { experiment.textContent = answer.experiment.name; }).catch(() => {});
  }

  const forest = spanForest(spans);
  const buttons = new Map();
  const detail = h('section', { class: 'panel', id: 'span-detail', 'aria-live': 'polite' });
  const wanted = query.get('span');
  const first = spans.find((s) => hexId(s.span_id) === wanted) || forest[0]?.span;

  function select(span, remember) {
    for (const [id, button] of buttons) button.setAttribute('aria-current', String(id === span.span_id));
    if (remember) history.replaceState(null, '', link(['traces', traceId], { span: hexId(span.span_id) }));
    showSpan(detail, span);
  }

  const branch = (nodes) => h('ul', {}, nodes.map(({ span, children }) => {
    const status = statusName(span.status);
    const type = attributes(span).get('mlflow.spanType');
    const button = h('button', { type: 'button', 'data-span-id': hexId(span.span_id), onclick: () => select(span, true) },
      h('span', { class: 'span-name' }, span.name || '(unnamed)'),
      type ? h('span', { class: 'badge' }, String(type)) : null,
      h('span', { class: 'span-duration' }, millis(spanMillis(span))),
      status === 'UNSET' ? null : h('span', { class: `span-status-${status}` }, status));
    buttons.set(span.span_id, button);
    return h('li', { class: 'span-node' }, button, children.length ? branch(children) : null);
  }));

  const tags = Object.entries(info.tags || {}).sort(([a], [b]) => a.localeCompare(b));
  const metadata = Object.entries(info.trace_metadata || {}).sort(([a], [b]) => a.localeCompare(b));
  const assessments = info.assessments || [];
  fill(view,
    h('div', { class: 'crumbs' }, h('a', { href: '#/experiments' }, 'Experiments'), experiment ? [' / ', experiment] : null),
    h('h1', {}, name),
    kvTable('Trace', [
      ['Trace ID', h('code', {}, info.trace_id || traceId)],
      ['State', h('span', { class: `state-${info.state}` }, info.state || '')],
      ['Request time', time(Date.parse(info.request_time))],
      ['Duration', millis(durationMillis(info.execution_duration))],
      ['Spans', String(spans.length)],
    ]),
    h('section', { 'aria-labelledby': 'spans-h' }, h('h2', { id: 'spans-h' }, `Spans (${spans.length})`),
      spans.length ? h('div', { class: 'trace-view' },
        h('nav', { class: 'span-tree panel', id: 'span-tree', 'aria-label': 'Span tree' }, branch(forest)), detail)
        : h('p', { class: 'muted' }, 'This trace has no spans stored.')),
    h('section', { 'aria-labelledby': 'assessments-h' }, h('h2', { id: 'assessments-h' }, `Assessments (${assessments.length})`),
      assessments.length ? assessmentTable(assessments) : h('p', { class: 'muted' }, 'None.')),
    h('div', { class: 'grid' },
      h('section', { 'aria-labelledby': 'trace-tags-h' }, h('h2', { id: 'trace-tags-h' }, `Tags (${tags.length})`),
        tags.length ? kvTable('Tags', tags) : h('p', { class: 'muted' }, 'None.')),
      h('section', { 'aria-labelledby': 'metadata-h' }, h('h2', { id: 'metadata-h' }, `Metadata (${metadata.length})`),
        metadata.length ? kvTable('Metadata', metadata) : h('p', { class: 'muted' }, 'None.'))));
  if (first) select(first, false);
}

function showSpan(detail, span) {
  const values = attributes(span);
  const status = statusName(span.status);
  const others = [...values].filter(([key]) => !SHOWN.has(key)).sort(([a], [b]) => a.localeCompare(b));
  const events = span.events || [];
  fill(detail,
    h('h3', { id: 'span-detail-h' }, span.name || '(unnamed)'),
    kvTable('Span', [
      ['Span ID', h('code', {}, hexId(span.span_id))],
      ['Parent', h('code', {}, hexId(span.parent_span_id))],
      ['Type', String(values.get('mlflow.spanType') ?? '')],
      ['Started', time(spanStartMillis(span))],
      ['Duration', millis(spanMillis(span))],
      ['Status', h('span', { class: `span-status-${status}` }, status + (span.status?.message ? `: ${span.status.message}` : ''))],
    ]),
    h('h4', {}, 'Inputs'), h('div', { id: 'span-inputs' }, values.has('mlflow.spanInputs')
      ? json(values.get('mlflow.spanInputs')) : h('p', { class: 'muted' }, 'None.')),
    h('h4', {}, 'Outputs'), h('div', { id: 'span-outputs' }, values.has('mlflow.spanOutputs')
      ? json(values.get('mlflow.spanOutputs')) : h('p', { class: 'muted' }, 'None.')),
    h('h4', {}, `Attributes (${others.length})`),
    h('div', { id: 'span-attributes' }, others.length ? kvTable('Attributes', others.map(([key, value]) => [key, json(value)]))
      : h('p', { class: 'muted' }, 'None.')),
    events.length ? [h('h4', {}, `Events (${events.length})`), h('div', { id: 'span-events' },
      kvTable('Events', events.map((event) => [event.name || '(event)',
        json(Object.fromEntries([...attributes(event)]))])))] : null);
}

function assessmentTable(assessments) {
  const source = (a) => [a.source?.source_type, a.source?.source_id].filter(Boolean).join(': ');
  const kind = (a) => (a.feedback ? 'feedback' : a.expectation ? 'expectation' : '');
  return h('div', { class: 'table-wrap' }, h('table', { id: 'assessments' },
    h('caption', { class: 'sr-only' }, 'Assessments'),
    h('thead', {}, h('tr', {}, ['Name', 'Kind', 'Value', 'Source', 'Rationale'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, assessments.map((a) => h('tr', { 'data-assessment-id': a.assessment_id },
      h('td', {}, a.assessment_name || ''),
      h('td', {}, kind(a)),
      h('td', {}, a.feedback?.error
        ? h('span', { class: 'span-status-ERROR' }, [a.feedback.error.error_code, a.feedback.error.error_message].filter(Boolean).join(': '))
        : json(assessmentValue(a))),
      h('td', {}, source(a)),
      h('td', {}, a.rationale || ''))))));
}
