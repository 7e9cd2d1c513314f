// Pure readers of evaluation runs' traces (TraceInfoV3 from traces/search, assessments included):
// which input a trace answered, its output, its scorers' and expectations' values as text, and the
// rows of several runs matched by their input. No DOM here, so a test can call them directly.

/** The input a trace answered, as text: the full inputs the client recorded, else the preview. */
export function inputText(info) {
  const full = info?.trace_metadata?.['mlflow.traceInputs'];
  return typeof full === 'string' ? full : (info?.request_preview || '');
}

/** The output, as text: the full outputs the client recorded, else the preview. */
export function outputText(info) {
  const full = info?.trace_metadata?.['mlflow.traceOutputs'];
  return typeof full === 'string' ? full : (info?.response_preview || '');
}

/** A JSON value as people read it: strings bare, everything else as compact JSON. */
export function valueText(value) {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A trace's assessments by kind and name: `{ feedback: Map name -> {text, rationale, source},
 * expectation: Map name -> {text} }`. A feedback that failed shows its error code; of several
 * with one name (an override), the valid and latest one wins.
 */
export function assessmentsOf(info) {
  const feedback = new Map();
  const expectation = new Map();
  const ordered = [...(info?.assessments || [])].filter((a) => a && a.valid !== false)
    .sort((a, b) => String(a.last_update_time || '').localeCompare(String(b.last_update_time || '')));
  for (const a of ordered) {
    const name = a.assessment_name || '';
    if (a.expectation) {
      expectation.set(name, { text: valueText(a.expectation.value) });
    } else if (a.feedback) {
      const error = a.feedback.error;
      feedback.set(name, {
        text: error ? `error: ${error.error_code || error.error_message || 'failed'}` : valueText(a.feedback.value),
        rationale: a.rationale || '', source: a.source?.source_type || '',
      });
    }
  }
  return { feedback, expectation };
}

/**
 * Matches the traces of several runs by their input: `runs` is a list of trace lists (one per run,
 * in order); the answer is one row per input, `{ input, cells }` with `cells[i]` the i-th run's
 * trace or null. An input seen twice in a run pairs with its second occurrence in the others, so
 * repeated rows stay apart. Rows keep the first run's order, then inputs only later runs have.
 */
export function matchRows(runs) {
  const rows = [];
  const byKey = new Map();   // input -> the rows of that input, in occurrence order
  runs.forEach((traces, index) => {
    const seen = new Map();
    for (const info of traces) {
      const input = inputText(info);
      const occurrence = seen.get(input) || 0;
      seen.set(input, occurrence + 1);
      let list = byKey.get(input);
      if (!list) { list = []; byKey.set(input, list); }
      let row = list[occurrence];
      if (!row) {
        row = { input, cells: runs.map(() => null) };
        list.push(row);
        rows.push(row);
      }
      row.cells[index] = info;
    }
  });
  return rows;
}

/** Whether the runs' traces of a row disagree: a run without the row, or any output or feedback differing. */
export function rowDiffers(row, scorerNames) {
  if (row.cells.some((cell) => cell === null)) return row.cells.length > 1;
  const [first, ...rest] = row.cells;
  const firstScores = assessmentsOf(first).feedback;
  return rest.some((info) => {
    if (outputText(info) !== outputText(first)) return true;
    const scores = assessmentsOf(info).feedback;
    return scorerNames.some((name) => scores.get(name)?.text !== firstScores.get(name)?.text);
  });
}

/** The feedback and expectation names found in any of the traces, sorted. */
export function assessmentNames(traces) {
  const feedback = new Set();
  const expectation = new Set();
  for (const info of traces) {
    const found = assessmentsOf(info);
    found.feedback.forEach((_, name) => feedback.add(name));
    found.expectation.forEach((_, name) => expectation.add(name));
  }
  return { feedback: [...feedback].sort(), expectation: [...expectation].sort() };
}
