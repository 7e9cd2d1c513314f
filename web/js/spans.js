// Reading MLflow 3 traces as the server sends them: TraceInfoV3 (ISO request_time, "0.033s"
// durations) and OpenTelemetry spans in proto JSON (base64 ids, nanosecond strings, typed
// attribute values). Pure functions: the pages turn what they return into text, never into HTML.

/** An OpenTelemetry AnyValue ({string_value}, {int_value: "3"}, {kvlist_value: {values}}...) as plain JS. */
export function anyValue(value) {
  if (!value || typeof value !== 'object') return value ?? null;
  if ('string_value' in value) return value.string_value;
  if ('bool_value' in value) return Boolean(value.bool_value);
  if ('int_value' in value) {
    // int64 comes as a string; keep it a string when a JS number would round it.
    const n = Number(value.int_value);
    return Number.isSafeInteger(n) ? n : String(value.int_value);
  }
  if ('double_value' in value) return Number(value.double_value);
  if ('array_value' in value) return (value.array_value?.values || []).map(anyValue);
  if ('kvlist_value' in value) {
    return Object.fromEntries((value.kvlist_value?.values || []).map((kv) => [kv.key, anyValue(kv.value)]));
  }
  if ('bytes_value' in value) return value.bytes_value;
  return null;
}

/** One attribute of a span as a plain value (undefined when absent), without reading the others. */
export function attribute(span, key) {
  const found = (span.attributes || []).find((a) => a.key === key);
  return found ? anyValue(found.value) : undefined;
}

/** A span's attributes as a Map key -> plain value. */
export function attributes(span) {
  return new Map((span.attributes || []).map((a) => [a.key, anyValue(a.value)]));
}

/**
 * A value as readable text: MLflow writes span inputs, outputs and most attributes as JSON text,
 * so a string that parses as JSON is shown parsed and indented; anything else as written.
 */
export function pretty(value) {
  if (value === undefined) return '';
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (/^[[{"]/.test(trimmed)) {
      try { return pretty(JSON.parse(trimmed)); } catch { /* not JSON: the text itself */ }
    }
    return value;
  }
  return JSON.stringify(value, null, 2);
}

/** A base64 span or trace id as the hex OpenTelemetry prints (empty for a missing id). */
export function hexId(base64) {
  if (!base64) return '';
  try {
    return [...atob(base64)].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  } catch {
    return String(base64);
  }
}

/** A hex span id (as the address carries it) in the base64 the server sends, or null when it is not hex. */
export function base64Id(hex) {
  if (!hex || hex.length % 2 || !/^[0-9a-fA-F]+$/.test(hex)) return null;
  return btoa(hex.match(/../g).map((pair) => String.fromCharCode(parseInt(pair, 16))).join(''));
}

/** Nanoseconds between two proto-JSON nanosecond strings, as milliseconds (BigInt: they exceed 2^53). */
export function spanMillis(span) {
  if (!span.end_time_unix_nano) return null;
  return Number(nanos(span.end_time_unix_nano) - nanos(span.start_time_unix_nano)) / 1e6;
}

/** A span's start as epoch milliseconds. */
export function spanStartMillis(span) {
  return span.start_time_unix_nano ? Number(nanos(span.start_time_unix_nano) / 1000000n) : null;
}

/** "STATUS_CODE_ERROR" (or the enum's number 2) -> "ERROR"; OK and UNSET likewise. */
export function statusName(status) {
  const code = status?.code ?? 'STATUS_CODE_UNSET';
  if (code === 2 || code === '2') return 'ERROR';
  if (code === 1 || code === '1') return 'OK';
  if (code === 0 || code === '0') return 'UNSET';
  return String(code).replace(/^STATUS_CODE_/, '');
}

/** A duration in milliseconds as people read it: "12 ms", "1.53 s", "2 min 5 s". */
export function millis(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  if (ms === 0) return '0 ms';   // a trace's duration has millisecond resolution
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(2)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** An axis tick (a round number of milliseconds) as short text: "0", "250 ms", "1.5 s", "2 min". */
export function tickLabel(ms) {
  if (ms === 0) return '0';
  if (ms < 1000) return `${Number(ms.toPrecision(3))} ms`;
  if (ms < 60000) return `${Number((ms / 1000).toPrecision(3))} s`;
  return `${Number((ms / 60000).toPrecision(3))} min`;
}

/** TraceInfoV3's execution_duration ("0.033s", proto Duration JSON) in milliseconds. */
export function durationMillis(text) {
  const match = /^(-?\d+(?:\.\d+)?)s$/.exec(text || '');
  return match ? Number(match[1]) * 1000 : null;
}

/** The trace's name: its mlflow.traceName tag, else the start of its id. */
export function traceName(info) {
  return info.tags?.['mlflow.traceName'] || (info.trace_id || '').slice(0, 11);
}

/** A proto-JSON nanosecond string as a BigInt (0n when it is not one). */
function nanos(text) {
  try { return BigInt(text || 0); } catch { return 0n; }
}

/**
 * Spans as a forest: [{span, children, parent, startNs}], children by start time. A span whose
 * parent is not in the trace (a partial trace), or whose parents loop back to it, is shown as a
 * root, not dropped. Nothing here recurses: a chain of 10,000 nested spans is a real trace.
 */
export function spanForest(spans) {
  const nodes = new Map(spans.map((span) => [span.span_id,
    { span, children: [], parent: null, startNs: nanos(span.start_time_unix_nano) }]));
  for (const node of nodes.values()) {
    const parent = node.span.parent_span_id ? nodes.get(node.span.parent_span_id) : undefined;
    if (parent && parent !== node) { node.parent = parent; parent.children.push(node); }
  }
  const reached = new Set();
  const visit = (node) => {
    const stack = [node];
    while (stack.length) { const next = stack.pop(); reached.add(next); for (const child of next.children) stack.push(child); }
  };
  const roots = [...nodes.values()].filter((node) => !node.parent);
  roots.forEach(visit);
  for (const node of nodes.values()) {
    if (reached.has(node)) continue;
    // A loop of parents: cut this span from its parent and let it start a tree.
    node.parent.children = node.parent.children.filter((child) => child !== node);
    node.parent = null;
    roots.push(node);
    visit(node);
  }
  // The start is read once per span (BigInt: nanoseconds since 1970 exceed 2^53), not per comparison.
  const byStart = (a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0);
  roots.sort(byStart);
  for (const node of nodes.values()) node.children.sort(byStart);
  return roots;
}

/**
 * The forest in display order (depth first, children by start), each entry {node, level}, skipping
 * the children of the nodes `collapsed` holds. Iterative, for the same reason as spanForest.
 */
export function flattenForest(forest, collapsed = new Set()) {
  const rows = [];
  const stack = forest.map((node) => ({ node, level: 1 })).reverse();
  while (stack.length) {
    const entry = stack.pop();
    rows.push(entry);
    if (collapsed.has(entry.node)) continue;
    for (let i = entry.node.children.length - 1; i >= 0; i -= 1) {
      stack.push({ node: entry.node.children[i], level: entry.level + 1 });
    }
  }
  return rows;
}

/**
 * The time window the timeline spans: the earliest start and the latest end (a span still open
 * counts its start) as BigInt nanoseconds, and its length in milliseconds (at least 1 ns, so a
 * scale never divides by zero).
 */
export function traceWindow(spans) {
  let start = null;
  let end = null;
  for (const span of spans) {
    const from = nanos(span.start_time_unix_nano);
    const to = span.end_time_unix_nano ? nanos(span.end_time_unix_nano) : from;
    if (start === null || from < start) start = from;
    if (end === null || to > end) end = to;
  }
  start ??= 0n;
  end ??= start;
  const length = end > start ? end - start : 1n;
  return { startNs: start, endNs: start + length, millis: Number(length) / 1e6 };
}

/** Milliseconds from `originNs` to the proto-JSON nanosecond string `text` (may be negative). */
export function offsetMillis(text, originNs) {
  return Number(nanos(text) - originNs) / 1e6;
}

/**
 * Axis ticks for a span of `total` milliseconds: multiples of a round step (1, 2 or 5 times a
 * power of ten) from 0, at most `most` of them and never past `total`.
 */
export function niceTicks(total, most = 6) {
  if (!(total > 0) || !Number.isFinite(total)) return [0];
  const rough = total / Math.max(1, most - 1);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => total / s <= most - 1) ?? 10 * power;
  const ticks = [];
  for (let i = 0; i * step <= total * (1 + 1e-9); i += 1) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** An assessment's value: feedback's or expectation's (serialized expectations are JSON text). */
export function assessmentValue(assessment) {
  if (assessment.feedback) return assessment.feedback.value;
  const expectation = assessment.expectation || {};
  if ('value' in expectation) return expectation.value;
  return expectation.serialized_value?.value;
}
