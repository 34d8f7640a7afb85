// charts.js: the page's charts (and the share page's), drawn as plain SVG at the element's current pixel size.
// Colours come from style.css (classes named after the probe kinds), so both colour schemes work.

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 220;
const PAD = { left: 46, right: 12, top: 10, bottom: 34 };

function element(name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A step of 1, 2 or 5 times a power of ten that cuts 0..max into about `count` parts. */
function niceStep(max, count) {
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((step) => step >= raw);
}

function ticks(max, count) {
  const step = niceStep(max, count);
  const top = Math.ceil(max / step - 1e-9) * step;
  const values = [];
  for (let i = 0; i * step <= top + step / 1e6; i++) values.push(i * step);
  return { top, values };
}

/**
 * Clears the SVG, draws axes and grid, and returns scales from data to pixels. x labels stand at least
 * `xSpacing` px apart (some are left out where they would not).
 */
function frame(svg, x, y, xUnit, yFormat, xFormat = format, xSpacing = 50) {
  const width = Math.max(200, svg.clientWidth || 600);
  svg.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
  svg.replaceChildren();
  const plotWidth = width - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const scaleX = (v) => PAD.left + (v / x.top) * plotWidth;
  const scaleY = (v) => PAD.top + plotHeight - (v / y.top) * plotHeight;
  const xTicks = x.values.filter((_, i) => i % Math.ceil(x.values.length / (plotWidth / xSpacing)) === 0);
  for (const v of xTicks) {
    svg.append(element('line', { class: 'grid', x1: scaleX(v), x2: scaleX(v), y1: PAD.top, y2: PAD.top + plotHeight }));
    svg.append(element('text', { class: 'tick', x: scaleX(v), y: HEIGHT - PAD.bottom + 16, 'text-anchor': 'middle' }, xFormat(v)));
  }
  for (const v of y.values) {
    svg.append(element('line', { class: 'grid', x1: PAD.left, x2: PAD.left + plotWidth, y1: scaleY(v), y2: scaleY(v) }));
    svg.append(element('text', { class: 'tick', x: PAD.left - 6, y: scaleY(v) + 4, 'text-anchor': 'end' }, yFormat(v)));
  }
  svg.append(element('text', { class: 'unit', x: PAD.left + plotWidth, y: HEIGHT - 4, 'text-anchor': 'end' }, xUnit));
  return { x: scaleX, y: scaleY };
}

const format = (v) => String(+v.toPrecision(6));

/**
 * RTT over time: one line per probe kind.
 * @param series {kind: [{at (ms since start), rtt (ms)}]}
 * @param seconds the planned length of the run, so that the time axis does not jump while measuring
 */
export function drawTimeline(svg, series, seconds) {
  const all = Object.values(series).flat();
  const maxRtt = Math.max(1, ...all.map((s) => s.rtt));
  const maxSeconds = Math.max(seconds, ...all.map((s) => s.at / 1000));
  const scale = frame(svg, ticks(maxSeconds, 10), ticks(maxRtt, 4), 'time (s)', (v) => `${format(v)} ms`);
  for (const [kind, samples] of Object.entries(series)) {
    if (!samples.length) continue;
    const points = [...samples].sort((a, b) => a.at - b.at)
      .map((s, i) => `${i ? 'L' : 'M'}${scale.x(s.at / 1000).toFixed(1)} ${scale.y(s.rtt).toFixed(1)}`);
    svg.append(element('path', { class: `series ${kind}`, d: points.join('') }));
  }
}

/**
 * Cumulative distribution: for each RTT, the share of a kind's samples at or below it.
 * @param series {kind: [rtt (ms)]}
 */
export function drawCdf(svg, series) {
  const all = Object.values(series).flat();
  const maxRtt = Math.max(1, ...all);
  const scale = frame(svg, ticks(maxRtt, 10), ticks(1, 4), 'RTT (ms)', (v) => `${Math.round(v * 100)} %`);
  for (const [kind, rtts] of Object.entries(series)) {
    if (!rtts.length) continue;
    const sorted = [...rtts].sort((a, b) => a - b);
    let d = `M${scale.x(sorted[0]).toFixed(1)} ${scale.y(0)}`;
    sorted.forEach((v, i) => {
      d += `H${scale.x(v).toFixed(1)}V${scale.y((i + 1) / sorted.length).toFixed(1)}`;
    });
    svg.append(element('path', { class: `series ${kind}`, d }));
  }
}

/**
 * Cumulative distributions given as points, as a saved result stores them (the share page).
 * @param series [{kind, condition ('idle' or 'loaded': dashed), points: [[rtt (ms), share at or below]]}]
 */
export function drawCdfPoints(svg, series) {
  const maxRtt = Math.max(1, ...series.flatMap((s) => s.points.map(([ms]) => ms)));
  const scale = frame(svg, ticks(maxRtt, 10), ticks(1, 4), 'RTT (ms)', (v) => `${Math.round(v * 100)} %`);
  for (const { kind, condition, points } of series) {
    if (!points.length) continue;
    let d = `M${scale.x(points[0][0]).toFixed(1)} ${scale.y(0)}`;
    for (const [ms, share] of points) d += `H${scale.x(ms).toFixed(1)}V${scale.y(share).toFixed(1)}`;
    svg.append(element('path', { class: `series ${kind} ${condition}`, d }));
  }
}

/**
 * The medians of saved runs, oldest to newest: one line per probe kind, a dot per run (its time and median in
 * the dot's tooltip). The runs stand at equal distances; the labels under them say when each was measured.
 * @param runs [{time (ISO 8601 or epoch ms), medians: {kind: p50 (ms)}}], oldest first
 */
export function drawTrend(svg, runs) {
  const times = runs.map((r) => new Date(r.time));
  const sameDay = times.every((t) => t.toDateString() === times[0]?.toDateString());
  const minutes = times.map((t) => Math.floor(t / 60000));
  const seconds = new Set(minutes).size < minutes.length; // two runs in one minute: tell them apart
  const when = (t) => t.toLocaleString('en-GB', sameDay
    ? { hour: '2-digit', minute: '2-digit', second: seconds ? '2-digit' : undefined }
    : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  const medians = runs.flatMap((r) => Object.values(r.medians).filter((v) => v != null));
  const x = { top: Math.max(1, runs.length), values: runs.map((_, i) => i + 0.5) };
  const scale = frame(svg, x, ticks(Math.max(1, ...medians), 4), 'saved runs', (v) => `${format(v)} ms`,
    (v) => when(times[v - 0.5]), sameDay ? 50 : 100);
  for (const kind of ['http_head', 'ws_echo', 'ws_ping']) {
    const points = runs.map((r, i) => [i + 0.5, r.medians[kind], times[i]]).filter(([, ms]) => ms != null);
    if (!points.length) continue;
    const d = points.map(([i, ms], n) => `${n ? 'L' : 'M'}${scale.x(i).toFixed(1)} ${scale.y(ms).toFixed(1)}`).join('');
    svg.append(element('path', { class: `series ${kind}`, d }));
    for (const [i, ms, t] of points) {
      const dot = element('circle', { class: `dot ${kind}`, cx: scale.x(i).toFixed(1), cy: scale.y(ms).toFixed(1), r: 3.5 });
      dot.append(element('title', {}, `${when(t)}: ${format(+ms.toFixed(2))} ms`));
      svg.append(dot);
    }
  }
}

/**
 * Idle against loaded, side by side: for each probe kind a pale bar (idle median) and a full one (loaded
 * median), with a thin line out to the p90, and the values written beside them.
 * @param probes {kind: {p50, p90, loaded: {p50, p90}}} as measure({ load }) returns them
 */
export function drawComparison(svg, probes, names) {
  const kinds = Object.keys(probes).filter((k) => probes[k].loaded?.count);
  const bar = 16, gap = 4, group = 2 * bar + gap + 22, top = 6;
  const height = top + kinds.length * group + 20;
  const width = Math.max(200, svg.clientWidth || 600);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.style.height = `${height}px`;
  svg.replaceChildren();
  if (!kinds.length) return;
  const max = Math.max(1, ...kinds.flatMap((k) => [probes[k].p90, probes[k].loaded.p90]));
  const left = 8, labelRoom = 118, plot = width - left - labelRoom;
  const x = (v) => left + (v / max) * plot;
  kinds.forEach((kind, i) => {
    const y0 = top + i * group;
    svg.append(element('text', { class: 'tick kind-label', x: left, y: y0 + 11 }, names[kind]));
    [['idle', probes[kind]], ['loaded', probes[kind].loaded]].forEach(([state, s], j) => {
      const y = y0 + 16 + j * (bar + gap);
      svg.append(element('rect', { class: `bar ${state} ${kind}`, x: left, y, width: Math.max(1, x(s.p50) - left), height: bar }));
      svg.append(element('line', { class: `whisker ${kind}`, x1: x(s.p50), x2: x(s.p90), y1: y + bar / 2, y2: y + bar / 2 }));
      svg.append(element('text', { class: 'tick value', x: x(Math.max(s.p50, s.p90)) + 6, y: y + 12 },
        `${state} ${s.p50.toFixed(1)} ms`));
    });
  });
  svg.append(element('text', { class: 'unit', x: width - 4, y: height - 4, 'text-anchor': 'end' }, 'bar: median, line: to p90 (ms)'));
}

/**
 * Servers compared (measure({ servers: 'all' })): for each server, in the given order, one bar per probe kind
 * (its median) with a thin line out to the p90, and the values beside them; a server not measured says why.
 * @param entries [{name, region, result: {probes: {kind: {p50, p90, count}}}} or {name, region, error}]
 */
export function drawServers(svg, entries, names) {
  const kindsOf = (e) => Object.keys(e.result?.probes || {}).filter((k) => e.result.probes[k].count);
  const bar = 14, gap = 3, top = 6, head = 18, after = 10;
  const heights = entries.map((e) => head + Math.max(1, kindsOf(e).length) * (bar + gap) + after);
  const height = top + heights.reduce((a, h) => a + h, 0) + 14;
  const width = Math.max(200, svg.clientWidth || 600);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.style.height = `${height}px`;
  svg.replaceChildren();
  const values = entries.flatMap((e) => kindsOf(e).map((k) => e.result.probes[k].p90));
  const max = Math.max(1, ...values);
  const left = 8, labelRoom = 150, plot = width - left - labelRoom;
  const x = (v) => left + (v / max) * plot;
  let y0 = top;
  entries.forEach((e, i) => {
    svg.append(element('text', { class: 'tick kind-label', x: left, y: y0 + 12 }, `${e.name} (${e.region ?? '–'})`));
    const kinds = kindsOf(e);
    if (!kinds.length) {
      svg.append(element('text', { class: 'tick value', x: left, y: y0 + head + 11 }, `not measured: ${e.error || 'no sample'}`));
    }
    kinds.forEach((kind, j) => {
      const s = e.result.probes[kind], y = y0 + head + j * (bar + gap);
      svg.append(element('rect', { class: `bar ${kind}`, x: left, y, width: Math.max(1, x(s.p50) - left), height: bar }));
      svg.append(element('line', { class: `whisker ${kind}`, x1: x(s.p50), x2: x(s.p90), y1: y + bar / 2, y2: y + bar / 2 }));
      svg.append(element('text', { class: 'tick value', x: x(Math.max(s.p50, s.p90)) + 6, y: y + 11 },
        `${names[kind]} ${s.p50.toFixed(1)} ms`));
    });
    y0 += heights[i];
  });
  svg.append(element('text', { class: 'unit', x: width - 4, y: height - 4, 'text-anchor': 'end' }, 'bar: median, line: to p90 (ms)'));
}
