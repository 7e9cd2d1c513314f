// A trace's spans as a tree with a timeline: one row per span (name, type, duration, status) and
// beside it a bar placed by the span's start and length within the trace's window, under a labelled
// time axis. Every row has the same height and only the rows in view (and a few around them) are in
// the document, so a trace of 10,000 spans draws as much as one of 40; no downsampling is needed.
// Keyboard: the tree is one tab stop (an ARIA tree whose aria-activedescendant is the selected row,
// so a row scrolled out of the document is never the focused element); arrows, Home/End and
// PageUp/PageDown move the selection, Right/Left open and close a subtree. Span data only ever
// becomes text nodes and attribute values, via h().
import { h } from './dom.js';
import { attribute, flattenForest, hexId, millis, niceTicks, offsetMillis, spanMillis, statusName, tickLabel,
  traceWindow } from './spans.js';

const ROW = 28;               // px: .span-row's height in app.css
const OVERSCAN = 12;          // rows drawn beyond each edge, so a quick scroll shows no gap
const INDENT = 14;            // px per level
const INDENT_LEVELS = 24;     // deeper rows stop moving right and show their level instead
const TICKS = 6;

// Positions go through the CSSOM: the page's Content-Security-Policy (style-src 'self') refuses
// style attributes, not properties set from a script.
const styled = (element, properties) => { Object.assign(element.style, properties); return element; };

/**
 * The tree and timeline of `forest` (spanForest of `spans`). `onSelect(span, remember)` is called
 * when the selection changes (`remember`: by the user, so the page may put it in the address).
 * Returns {element, select(node, remember), nodeOf(base64 span id)}; call select once the element
 * is in the document (scrolling needs its layout).
 */
export function spanTimeline(forest, spans, { onSelect }) {
  const frame = traceWindow(spans);
  const collapsed = new Set();
  const order = flattenForest(forest);          // every span, depth first: the find box's order
  const byId = new Map();
  order.forEach(({ node }, i) => { node.order = i; byId.set(node.span.span_id, node); });
  for (const list of [forest, ...order.map(({ node }) => node.children)]) {
    list.forEach((node, i) => { node.position = i + 1; node.siblings = list.length; });
  }
  let rows = order;
  let rowIndex = new Map(rows.map(({ node }, i) => [node, i]));
  let selected = null;

  // What a row shows, worked out when the row is first drawn (most of 10,000 never are).
  const meta = (node) => (node.meta ??= {
    hex: hexId(node.span.span_id),
    status: statusName(node.span.status),
    type: attribute(node.span, 'mlflow.spanType'),
    duration: spanMillis(node.span),
    offset: offsetMillis(node.span.start_time_unix_nano, frame.startNs),
  });

  const ticks = niceTicks(frame.millis, TICKS);
  const at = (ms) => Math.min(100, Math.max(0, (ms / frame.millis) * 100));
  const axisId = 'span-axis-description';
  const header = h('div', { class: 'span-row span-header', 'aria-hidden': 'true' },
    h('div', { class: 'span-label' }, 'Span'),
    h('div', { class: 'span-lane span-axis' }, ticks.map((t) => styled(h('span', {
      class: 'span-tick' + (at(t) > 85 ? ' span-tick-end' : '') }, tickLabel(t)), { left: `${at(t)}%` }))));
  const gridlines = h('div', { class: 'span-gridlines', 'aria-hidden': 'true' }, h('div'),
    h('div', { class: 'span-lane' }, ticks.map((t) => styled(h('span', { class: 'span-gridline' }), { left: `${at(t)}%` }))));
  const body = h('div', { class: 'span-rows' });
  const tree = h('div', { class: 'span-tree', id: 'span-tree', role: 'tree', tabindex: '0',
    'aria-label': 'Spans', 'aria-describedby': axisId }, header, body);
  const description = h('p', { class: 'sr-only', id: axisId },
    `Timeline of ${millis(frame.millis)}: each span says when it starts after the trace's first span.`);

  function row({ node, level }, i) {
    const m = meta(node);
    const name = node.span.name || '(unnamed)';
    const parentOf = node.children.length > 0;
    const open = parentOf && !collapsed.has(node);
    const left = at(m.offset);
    const width = m.duration === null ? 0 : Math.min(100 - left, at(m.duration));
    return styled(h('div', {
      class: 'span-row', role: 'treeitem', id: `span-row-${m.hex}`, 'data-span-id': m.hex,
      'aria-level': String(level), 'aria-setsize': String(node.siblings), 'aria-posinset': String(node.position),
      'aria-expanded': parentOf ? String(open) : undefined, 'aria-selected': String(node === selected),
      onclick: () => select(node, true),
    },
    styled(h('div', { class: 'span-label' },
      h('span', { class: 'span-toggle', 'aria-hidden': 'true', onclick: parentOf ? (event) => {
        event.stopPropagation();
        toggle(node);
      } : undefined }, parentOf ? (open ? '▾' : '▸') : ''),
      level > INDENT_LEVELS + 1 ? h('span', { class: 'span-depth', title: `Level ${level}` }, `L${level}`) : null,
      h('span', { class: 'span-name', title: name }, name),
      m.type !== undefined ? h('span', { class: 'badge' }, String(m.type)) : null,
      h('span', { class: 'span-duration' }, millis(m.duration)),
      m.status === 'UNSET' ? null : h('span', { class: `span-status-${m.status}` }, m.status)),
    { paddingLeft: `${Math.min(level - 1, INDENT_LEVELS) * INDENT}px` }),
    h('div', { class: 'span-lane' },
      styled(h('span', { class: `span-bar span-bar-${m.status}` }), { left: `${left}%`, width: `${width}%` }),
      h('span', { class: 'sr-only' }, `, starts at ${millis(m.offset)}`))), { top: `${i * ROW}px` });
  }

  let drawn = { first: -1, last: -1 };
  function draw(force = false) {
    const top = tree.scrollTop - body.offsetTop;
    const height = tree.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((top + height) / ROW) + OVERSCAN);
    if (!force && first === drawn.first && last === drawn.last) return;
    drawn = { first, last };
    body.replaceChildren(gridlines, ...rows.slice(first, last).map((entry, k) => row(entry, first + k)));
  }

  function relist() {
    rows = flattenForest(forest, collapsed);
    rowIndex = new Map(rows.map(({ node }, i) => [node, i]));
    body.style.height = `${rows.length * ROW}px`;
  }

  function toggle(node) {
    if (collapsed.has(node)) collapsed.delete(node); else collapsed.add(node);
    relist();
    // The selection folded away: the span that hid it takes it, as a file tree does.
    if (selected && !rowIndex.has(selected)) select(node, true); else draw(true);
  }

  // Scrolls row i into view: `center` for a jump (the address, the find box), else just enough.
  function reveal(i, center) {
    const top = body.offsetTop + i * ROW;
    const header = body.offsetTop;
    const view = tree.clientHeight;
    if (center) tree.scrollTop = Math.max(0, top - header - (view - header - ROW) / 2);
    else if (top - header < tree.scrollTop) tree.scrollTop = top - header;
    else if (top + ROW > tree.scrollTop + view) tree.scrollTop = top + ROW - view;
  }

  function select(node, remember, { center = false } = {}) {
    let folded = false;
    for (let up = node.parent; up; up = up.parent) folded = collapsed.delete(up) || folded;
    if (folded) relist();
    selected = node;
    reveal(rowIndex.get(node), center);
    draw(true);
    tree.setAttribute('aria-activedescendant', `span-row-${meta(node).hex}`);
    onSelect(node.span, remember);
  }

  tree.addEventListener('keydown', (event) => {
    if (!rows.length || event.altKey || event.ctrlKey || event.metaKey) return;
    const current = selected && rowIndex.has(selected) ? rowIndex.get(selected) : -1;
    const node = current >= 0 ? rows[current].node : null;
    const page = Math.max(1, Math.floor(tree.clientHeight / ROW) - 2);
    const go = (i) => select(rows[Math.max(0, Math.min(rows.length - 1, i))].node, true);
    switch (event.key) {
      case 'ArrowDown': go(current + 1); break;
      case 'ArrowUp': go(current - 1); break;
      case 'PageDown': go(current + page); break;
      case 'PageUp': go(current - page); break;
      case 'Home': go(0); break;
      case 'End': go(rows.length - 1); break;
      case 'ArrowRight':
        if (node?.children.length && collapsed.has(node)) toggle(node);
        else if (node?.children.length) go(current + 1);
        break;
      case 'ArrowLeft':
        if (node?.children.length && !collapsed.has(node)) toggle(node);
        else if (node?.parent) select(node.parent, true);
        break;
      default: return;
    }
    event.preventDefault();
  });

  let pending = false;
  const later = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; draw(); });
  };
  tree.addEventListener('scroll', later, { passive: true });
  new ResizeObserver(later).observe(tree);   // a taller view needs more rows
  relist();

  /** The spans whose name holds `text` (any case), in display order, starting after the selection. */
  function find(text) {
    const needle = text.trim().toLowerCase();
    if (!needle) return [];
    const hits = order.filter(({ node }) => (node.span.name || '').toLowerCase().includes(needle)).map(({ node }) => node);
    const after = selected ? selected.order : -1;
    const next = hits.findIndex((node) => node.order > after);
    return next <= 0 ? hits : [...hits.slice(next), ...hits.slice(0, next)];
  }

  return {
    element: h('div', { class: 'span-timeline' }, description, tree),
    tree,
    select: (node, remember, options) => select(node, remember, options),
    nodeOf: (base64) => byId.get(base64),
    find,
    count: order.length,
    draw: () => draw(true),
  };
}
