// Small DOM helpers shared by the pages: element building, formatting, errors, downloads.

/** h('a', {href: '#/x', class: 'c'}, 'text', child...) -> element; on<Event> attributes add listeners. */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name in element && typeof value !== 'string') element[name] = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `element`. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** The alert box for a failed call: the server's error_code and message. */
export function errorBox(error) {
  return h('div', { class: 'error', role: 'alert' },
    h('strong', {}, error.code || 'ERROR'), error.message || String(error));
}

export function time(ms) {
  if (ms === undefined || ms === null || ms === '') return '';
  const date = new Date(Number(ms));
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}

export function duration(start, end) {
  if (!start || !end) return '';
  let seconds = Math.max(0, (Number(end) - Number(start)) / 1000);
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  seconds = Math.round(seconds % 60);
  if (minutes < 60) return `${minutes} min ${seconds} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A number as people read it: up to 6 significant digits, exponent for the very large or small. */
export function number(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  if (n !== 0 && (Math.abs(n) >= 1e7 || Math.abs(n) < 1e-4)) return n.toExponential(4);
  return String(Number(n.toPrecision(6)));
}

export function bytes(size) {
  const n = Number(size);
  if (!Number.isFinite(n)) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A key/value table (a caption for screen readers). */
export function kvTable(caption, rows) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'kv' },
    h('caption', { class: 'sr-only' }, caption),
    h('tbody', {}, rows.map(([key, value]) => h('tr', {}, h('th', { scope: 'row' }, key), h('td', {}, value))))));
}

/** Saves a Blob under `name` through a temporary link. */
export function saveBlob(blob, name) {
  const link = h('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

/** The run's name (its mlflow.runName tag or run_name), else the start of its id. */
export function runName(run) {
  const tag = (run.data?.tags || []).find((t) => t.key === 'mlflow.runName');
  return run.info?.run_name || tag?.value || (run.info?.run_id || '').slice(0, 8);
}

/** `[{key, value}]` -> Map key -> value (MLflow's lists of params, tags and metrics). */
export function byKey(list, field = 'value') {
  return new Map((list || []).map((item) => [item.key, item[field]]));
}

/** Quotes a key for MLflow's filter and order_by grammar (backticks around any odd name). */
export function quoteKey(key) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : '`' + key.replace(/`/g, '') + '`';
}

/** Builds a hash link from path parts (each encoded) and optional query. */
export function link(parts, query) {
  const path = '#/' + parts.map((p) => encodeURIComponent(p)).join('/');
  const search = query ? new URLSearchParams(query).toString() : '';
  return search ? `${path}?${search}` : path;
}

/**
 * Previous / "Page N" / Next for a list read by page tokens: `move(-1)` or `move(1)` turns the page
 * (and reloads); Next is off when the server gave no token for the next page.
 */
export function pageButtons(page, hasNext, move, numberId) {
  return h('div', { class: 'pager' },
    h('button', { type: 'button', disabled: page === 0, onclick: () => move(-1) }, 'Previous'),
    h('span', numberId ? { class: 'muted', id: numberId } : { class: 'muted' }, `Page ${page + 1}`),
    h('button', { type: 'button', disabled: !hasNext, onclick: () => move(1) }, 'Next'));
}

/** An experiment's views, Runs and Traces, as a tab bar; `current` is 'runs' or 'traces'. */
export function experimentTabs(experimentId, current) {
  const tab = (id, title, href) => h('a', { href, class: 'tab', id: `tab-${id}`,
    'aria-current': id === current ? 'page' : undefined }, title);
  return h('nav', { class: 'tabs', 'aria-label': 'Experiment views' },
    tab('runs', 'Runs', link(['experiments', experimentId])),
    tab('traces', 'Traces', link(['experiments', experimentId, 'traces'])));
}
