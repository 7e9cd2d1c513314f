// Charts drawn as SVG by hand (no library): line charts of metric series and a scatter plot.

const NS = 'http://www.w3.org/2000/svg';
export const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2',
  '#7f7f7f', '#bcbd22'];
const WIDTH = 720;
const HEIGHT = 320;
const PAD = { left: 64, right: 16, top: 14, bottom: 40 };

function svg(tag, attributes, ...children) {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes || {})) element.setAttribute(name, value);
  for (const child of children) if (child) element.append(child);
  return element;
}

/** Exponential moving average with TensorBoard's debiasing; weight 0 leaves the points as they are. */
export function smooth(points, weight) {
  if (!weight) return points;
  let last = 0;
  let count = 0;
  return points.map(([x, y]) => {
    if (!Number.isFinite(y)) return [x, y];
    last = last * weight + (1 - weight) * y;
    count += 1;
    return [x, last / (1 - weight ** count)];
  });
}

/** About `count` round tick values covering [low, high]. */
export function ticks(low, high, count = 5) {
  if (!(high > low)) return [low];
  const step0 = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= step0) || step0;
  const out = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function extent(values, log) {
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < low) low = v;
    if (v > high) high = v;
  }
  if (low === Infinity) return [0, 1];
  if (low === high) return log ? [low / 2, high * 2] : [low - (Math.abs(low) || 1) / 2, high + (Math.abs(high) || 1) / 2];
  return [low, high];
}

/** Widens [low, high] by 5% each side (by a factor on a log scale), so points do not sit on the frame. */
function padded([low, high], pad, log) {
  if (!pad) return [low, high];
  if (log) { const f = (high / low) ** 0.05; return [low / f, high * f]; }
  const margin = (high - low) * 0.05;
  return [low - margin, high + margin];
}

function label(value, kind) {
  if (kind === 'time') {
    const date = new Date(value);
    return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}:${String(date.getSeconds()).padStart(2, '0')}`;
  }
  const n = Number(value);
  if (n !== 0 && (Math.abs(n) >= 1e5 || Math.abs(n) < 1e-3)) return n.toExponential(1);
  return String(Number(n.toPrecision(4)));
}

/** The frame both charts share: scales, grid, axes and their titles. */
function frame({ xs, ys, logY, xKind, xTitle, yTitle, title, padX = false }) {
  const [x0, x1] = padded(extent(xs, false), padX, false);
  const [yLow, yHigh] = padded(extent(ys, logY), true, logY);
  const ty = logY ? Math.log10 : (v) => v;
  const y0 = ty(yLow);
  const y1 = ty(yHigh);
  const sx = (x) => PAD.left + ((x - x0) / (x1 - x0 || 1)) * (WIDTH - PAD.left - PAD.right);
  const sy = (y) => HEIGHT - PAD.bottom - ((ty(y) - y0) / (y1 - y0 || 1)) * (HEIGHT - PAD.top - PAD.bottom);
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': title });
  root.append(svg('title', {}, document.createTextNode(title)));
  const grid = svg('g', { class: 'grid' });
  const axis = svg('g', { class: 'axis' });
  const yTicks = logY ? ticks(y0, y1, 5).map((t) => 10 ** t) : ticks(yLow, yHigh, 5);
  for (const t of yTicks) {
    const y = sy(t);
    if (!(y >= PAD.top - 1 && y <= HEIGHT - PAD.bottom + 1)) continue;
    grid.append(svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y, y2: y }));
    const text = svg('text', { x: PAD.left - 6, y: y + 4, 'text-anchor': 'end' });
    text.textContent = label(t, 'number');
    axis.append(text);
  }
  for (const t of ticks(x0, x1, 6)) {
    const x = sx(t);
    grid.append(svg('line', { x1: x, x2: x, y1: PAD.top, y2: HEIGHT - PAD.bottom }));
    const text = svg('text', { x, y: HEIGHT - PAD.bottom + 16, 'text-anchor': 'middle' });
    text.textContent = label(t, xKind);
    axis.append(text);
  }
  axis.append(svg('path', { d: `M${PAD.left},${PAD.top}V${HEIGHT - PAD.bottom}H${WIDTH - PAD.right}`, fill: 'none' }));
  const xt = svg('text', { x: (PAD.left + WIDTH - PAD.right) / 2, y: HEIGHT - 6, 'text-anchor': 'middle' });
  xt.textContent = xTitle;
  const yt = svg('text', { x: 14, y: HEIGHT / 2, 'text-anchor': 'middle', transform: `rotate(-90 14 ${HEIGHT / 2})` });
  yt.textContent = yTitle + (logY ? ' (log)' : '');
  axis.append(xt, yt);
  root.append(grid, axis);
  const invertX = (px) => x0 + ((px - PAD.left) / (WIDTH - PAD.left - PAD.right)) * (x1 - x0);
  return { root, sx, sy, invertX };
}

/** The point of `points` ([[x, y]]) nearest to `x` (nil for none). */
function nearest(points, x) {
  let best = null;
  for (const point of points) {
    if (!Number.isFinite(point[1])) continue;
    if (best === null || Math.abs(point[0] - x) < Math.abs(best[0] - x)) best = point;
  }
  return best;
}

/**
 * A line chart: `series` is [{label, points: [[x, y], ...]}] drawn in order, one colour each.
 * `xKind` 'time' labels x as clock times; `logY` draws y on a log10 scale (values <= 0 left out).
 */
export function lineChart({ series, xKind = 'number', xTitle = 'step', yTitle = 'value', logY = false, title = 'chart' }) {
  const xs = [];
  const ys = [];
  for (const s of series) for (const [x, y] of s.points) { xs.push(x); ys.push(y); }
  const { root, sx, sy, invertX } = frame({ xs, ys, logY, xKind, xTitle, yTitle, title });
  series.forEach((s, index) => {
    let d = '';
    let pen = 'M';
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y) || (logY && y <= 0)) { pen = 'M'; continue; }
      d += `${pen}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`;
      pen = 'L';
    }
    const color = s.color || COLORS[index % COLORS.length];
    const path = svg('path', { d: d || 'M0,0', fill: 'none', stroke: color, 'stroke-width': 1.6,
      'data-series': s.label, class: 'series' });
    path.append(svg('title', {}, document.createTextNode(s.label)));
    root.append(path);
    if (s.points.length === 1 && d) {
      const [x, y] = s.points[0];
      root.append(svg('circle', { cx: sx(x), cy: sy(y), r: 3, fill: color }));
    }
  });
  const box = wrap(root, series.map((s, i) => [s.label, s.color || COLORS[i % COLORS.length]]));
  readout(root, box, series, { sx, invertX, xKind, xTitle });
  return box;
}

/** Under the pointer: a vertical guide and, below the chart, each series' value nearest to it. */
function readout(root, box, series, { sx, invertX, xKind, xTitle }) {
  const guide = svg('line', { y1: PAD.top, y2: HEIGHT - PAD.bottom, stroke: '#888', 'stroke-dasharray': '3 3',
    visibility: 'hidden', class: 'guide' });
  root.append(guide);
  const text = document.createElement('div');
  text.className = 'readout muted';
  text.textContent = '\u00a0';
  box.append(text);
  root.addEventListener('pointermove', (event) => {
    const matrix = root.getScreenCTM();
    if (!matrix) return;
    const px = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse()).x;
    if (px < PAD.left || px > WIDTH - PAD.right) return;
    const x = invertX(px);
    const found = series.map((s) => [s.label, nearest(s.points, x)]).filter(([, p]) => p);
    if (!found.length) return;
    const at = found[0][1][0];
    guide.setAttribute('x1', sx(at));
    guide.setAttribute('x2', sx(at));
    guide.setAttribute('visibility', 'visible');
    text.textContent = `${xTitle} ${label(at, xKind)}: ` + found.map(([name, p]) => `${name} ${Number(p[1].toPrecision(6))}`).join(', ');
  });
  root.addEventListener('pointerleave', () => guide.setAttribute('visibility', 'hidden'));
}

/** A scatter plot: `points` is [{x, y, label}]; each point has a tooltip with its label and values. */
export function scatterChart({ points, xTitle, yTitle, title = 'scatter' }) {
  const { root, sx, sy } = frame({ xs: points.map((p) => p.x), ys: points.map((p) => p.y), logY: false,
    xKind: 'number', xTitle, yTitle, title, padX: true });
  points.forEach((p, index) => {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) return;
    const dot = svg('circle', { cx: sx(p.x), cy: sy(p.y), r: 5, fill: COLORS[index % COLORS.length],
      'fill-opacity': 0.8, class: 'point' });
    dot.append(svg('title', {}, document.createTextNode(`${p.label}: ${xTitle} ${p.x}, ${yTitle} ${p.y}`)));
    root.append(dot);
  });
  return wrap(root, points.map((p, i) => [p.label, COLORS[i % COLORS.length]]));
}

/**
 * Parallel coordinates: one vertical axis per entry of `axes` ([{name, value: (line) => number}]),
 * each scaled to its own range, and one polyline per entry of `lines` ([{label}]) through them.
 */
export function parallelChart({ axes, lines, title = 'parallel coordinates' }) {
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': title });
  root.append(svg('title', {}, document.createTextNode(title)));
  const top = PAD.top + 16;
  const bottom = HEIGHT - PAD.bottom;
  const left = 40;
  const right = 80;   // room for the last axis' value labels
  const step = axes.length > 1 ? (WIDTH - left - right) / (axes.length - 1) : 0;
  const scales = axes.map((axis, index) => {
    const [low, high] = extent(lines.map((line) => axis.value(line)), false);
    const x = left + index * step;
    const group = svg('g', { class: 'axis' });
    group.append(svg('line', { x1: x, x2: x, y1: top, y2: bottom }));
    for (const [text, y, anchor] of [[axis.name, top - 6, 'middle'], [label(high, 'number'), top + 10, 'start'],
      [label(low, 'number'), bottom + 14, 'start']]) {
      const t = svg('text', { x: anchor === 'start' ? x + 4 : x, y, 'text-anchor': anchor });
      t.textContent = text;
      group.append(t);
    }
    root.append(group);
    return { x, y: (v) => bottom - ((v - low) / (high - low || 1)) * (bottom - top) };
  });
  lines.forEach((line, index) => {
    let d = '';
    let pen = 'M';
    axes.forEach((axis, i) => {
      const v = axis.value(line);
      if (!Number.isFinite(v)) { pen = 'M'; return; }
      d += `${pen}${scales[i].x.toFixed(1)},${scales[i].y(v).toFixed(1)}`;
      pen = 'L';
    });
    const path = svg('path', { d: d || 'M0,0', fill: 'none', stroke: COLORS[index % COLORS.length], 'stroke-width': 2,
      class: 'line' });
    path.append(svg('title', {}, document.createTextNode(line.label)));
    root.append(path);
  });
  return wrap(root, lines.map((line, i) => [line.label, COLORS[i % COLORS.length]]));
}

function wrap(root, legend) {
  const box = document.createElement('div');
  box.className = 'chart';
  box.append(root);
  const list = document.createElement('div');
  list.className = 'legend';
  for (const [name, color] of legend) {
    const item = document.createElement('span');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = color;
    item.append(swatch, document.createTextNode(name));
    list.append(item);
  }
  box.append(list);
  return box;
}
