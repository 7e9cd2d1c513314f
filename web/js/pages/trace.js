// One trace (#/traces/<trace_id>[?span=<hex span id>]): its info, tags and metadata, the span tree
// with its timeline (spantree.js), the selected span's inputs, outputs, attributes and events, and
// the assessments. Span data is the caller's (model inputs, tool outputs): it only ever becomes
// text nodes, via h().
import { get, getV3 } from '../api.js';
import { errorBox, fill, h, kvTable, link, time } from '../dom.js';
import { assessmentValue, attributes, base64Id, durationMillis, hexId, millis, pretty, spanForest, spanMillis,
  spanStartMillis, statusName, traceName } from '../spans.js';
import { spanTimeline } from '../spantree.js';

// Shown in their own boxes, not again among the attributes.
const SHOWN = new Set(['mlflow.spanInputs', 'mlflow.spanOutputs', 'mlflow.spanType', 'mlflow.traceRequestId']);

// Longer values (a 10 MB prompt) show their start until asked for the rest: laying out all of it
// takes the browser seconds, and the page would wait for it.
const SHOWN_CHARACTERS = 100_000;

function json(value) {
  const text = pretty(value);
  if (text.length <= SHOWN_CHARACTERS) return h('pre', { class: 'json' }, text);
  const pre = h('pre', { class: 'json' }, text.slice(0, SHOWN_CHARACTERS) + '…');
  const more = h('button', { type: 'button', class: 'link show-all', onclick: () => {
    pre.textContent = text;
    more.remove();
  } }, `Show all ${text.length.toLocaleString('en')} characters`);
  return h('div', {}, pre, more);
}

export async function render(view, { args: [traceId], query }) {
  let trace;
  try {
    // allow_partial, as MLflow's UI asks: a trace whose spans are still arriving shows those that
    // have (the server would otherwise answer 404 until the client's span count is reached).
    trace = (await getV3('mlflow/traces/get', { trace_id: traceId, allow_partial: 'true' })).trace;
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
  const detail = h('section', { class: 'panel', id: 'span-detail', 'aria-live': 'polite' });
  const timeline = spanTimeline(forest, spans, {
    onSelect(span, remember) {
      if (remember) history.replaceState(null, '', link(['traces', traceId], { span: hexId(span.span_id) }));
      showSpan(detail, span);
    },
  });
  const wanted = timeline.nodeOf(base64Id(query.get('span')));
  const first = wanted || forest[0];

  const tags = Object.entries(info.tags || {}).sort(([a], [b]) => a.localeCompare(b));
  const metadata = Object.entries(info.trace_metadata || {}).sort(([a], [b]) => a.localeCompare(b));
  const assessments = info.assessments || [];
  const expected = reportedSpans(info);
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
      expected > spans.length ? h('p', { class: 'notice', id: 'spans-partial' },
        `${spans.length} of the ${expected} spans the client reported have arrived so far.`) : null,
      spans.length ? h('div', { class: 'trace-view' },
        h('div', { class: 'panel span-panel' }, findBox(timeline), timeline.element), detail)
        : h('p', { class: 'muted' }, 'This trace has no spans stored.')),
    h('section', { 'aria-labelledby': 'assessments-h' }, h('h2', { id: 'assessments-h' }, `Assessments (${assessments.length})`),
      assessments.length ? assessmentTable(assessments) : h('p', { class: 'muted' }, 'None.')),
    h('div', { class: 'grid' },
      h('section', { 'aria-labelledby': 'trace-tags-h' }, h('h2', { id: 'trace-tags-h' }, `Tags (${tags.length})`),
        tags.length ? kvTable('Tags', tags) : h('p', { class: 'muted' }, 'None.')),
      h('section', { 'aria-labelledby': 'metadata-h' }, h('h2', { id: 'metadata-h' }, `Metadata (${metadata.length})`),
        metadata.length ? kvTable('Metadata', metadata) : h('p', { class: 'muted' }, 'None.'))));
  if (first) timeline.select(first, false, { center: Boolean(wanted) });
  ready(view);
}

// How many spans the client said the trace has (mlflow.trace.sizeStats' num_spans), or 0.
function reportedSpans(info) {
  try {
    const count = JSON.parse(info.trace_metadata?.['mlflow.trace.sizeStats'] || '{}').num_spans;
    return Number.isSafeInteger(count) ? count : 0;
  } catch {
    return 0;
  }
}

// Marks the moment the page is useful (tree, timeline and the first span's detail painted):
// a Performance API mark and data-ready on the page, which bench/ui_trace_open.py reads.
function ready(view) {
  requestAnimationFrame(() => setTimeout(() => {
    performance.mark('swiftrack:trace-ready');
    view.setAttribute('data-ready', 'true');
  }));
}

// Finds spans by name: Enter selects the next match after the selection (a 10,000-span trace
// is not read by scrolling).
function findBox(timeline) {
  const box = h('input', { type: 'search', name: 'span-find', 'aria-label': 'Find a span by name',
    placeholder: 'Find a span by name' });
  const status = h('span', { class: 'muted', id: 'span-find-status', role: 'status' });
  return h('form', { class: 'toolbar', role: 'search', onsubmit: (event) => {
    event.preventDefault();
    const hits = timeline.find(box.value);
    if (hits.length) timeline.select(hits[0], true, { center: true });
    status.textContent = box.value.trim() ? `${hits.length} ${hits.length === 1 ? 'span matches' : 'spans match'}` : '';
  } }, box, h('button', { type: 'submit' }, 'Find'), status);
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
