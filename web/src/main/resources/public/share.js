// share.js: the share page of a saved result. The server answers GET /r/{id} with a shell that holds
// <div id="result" data-id="…"> and loads this module, which fetches api/results/{id} (docs/results.md) and draws
// the stored result with the measurement page's distribution chart (from the stored CDF points, per kind, idle
// and under load) and summary table.
import { drawCdfPoints } from './charts.js';
import { KIND_NAMES, renderOutcomes, renderSummary, SAVED_ROWS } from './summary.js';

const KINDS = ['http_head', 'ws_echo', 'ws_ping'];
const CONDITIONS = { idle: 'idle', loaded: 'under load' };
const base = new URL('.', import.meta.url); // the server's root, wherever it is mounted
const root = document.getElementById('result');

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

function section(heading, id, ...content) {
  const node = element('section', null, { 'aria-labelledby': id });
  node.append(element('h2', heading, { id }), ...content);
  return node;
}

/** Whether the server's shell has such an element of its own around #result (its heading, facts, a link home). */
const outside = (selector) => [...document.querySelectorAll(selector)].some((e) => !root.contains(e));

/** The page's style sheet, in case the shell does not link it. */
function linkStyles() {
  if (document.querySelector('link[rel=stylesheet][href$="style.css"]')) return;
  document.head.append(element('link', null, { rel: 'stylesheet', href: new URL('style.css', base).href }));
}

function ownRun() {
  const line = element('p');
  line.append(element('a', 'Measure your own round-trip time', { href: base.href }));
  return line;
}

function fail(text) {
  root.dataset.state = 'failed';
  root.replaceChildren(element('h1', 'pingscope'), element('p', text, { class: 'error' }), ownRun());
}

const ms = (v) => `${v.toFixed(2)} ms`;

function medians(probes, condition) {
  return KINDS.filter((k) => probes[k]?.[condition]?.p50 != null)
    .map((k) => `${KIND_NAMES[k]} ${ms(probes[k][condition].p50)}`).join(' · ');
}

/** "Against the kernel: HEAD reads 0.8 ms above …", or why there was no kernel RTT; null without a reference. */
function kernelLine(ref) {
  if (!ref) return null;
  if (ref.verdict) return `Against the kernel: ${ref.verdict}`;
  const why = ref.unavailable || ref.http_head?.unavailable || ref.ws?.unavailable;
  return `The kernel's RTT was not available${why ? ` (${why})` : ''}.`;
}

function render(saved) {
  const kinds = KINDS.filter((k) => saved.probes?.[k]);
  const conditions = Object.keys(CONDITIONS).filter((c) => kinds.some((k) => saved.probes[k][c]));
  const created = new Date(saved.created_at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  const who = saved.source === 'synthetic' ? 'by pingscope probe' : `from a browser (${saved.browser})`;
  const idle = medians(saved.probes, 'idle');
  document.title = `pingscope: ${idle || 'a saved result'}`;

  const legend = element('ul', null, { class: 'legend', 'aria-hidden': 'true' });
  legend.append(...kinds.map((k) => element('li', KIND_NAMES[k], { class: k })));
  if (conditions.length > 1) legend.append(...conditions.map((c) => element('li', CONDITIONS[c], { class: c })));
  const cdf = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  for (const [key, value] of Object.entries({ id: 'cdf', class: 'chart', role: 'img', 'aria-labelledby': 'cdf-heading' })) {
    cdf.setAttribute(key, value);
  }
  const series = conditions.flatMap((condition) => kinds.filter((kind) => saved.probes[kind][condition])
    .map((kind) => ({ kind, condition, points: saved.probes[kind][condition].cdf || [] })));
  const draw = () => drawCdfPoints(root.querySelector('#cdf'), series);

  const tables = conditions.map((c) => {
    const probes = {};
    for (const k of kinds) {
      const stats = saved.probes[k][c];
      if (stats) probes[k] = { ...stats, protocols: saved.probes[k].protocol ? [saved.probes[k].protocol] : [] };
    }
    const table = element('table', null, { id: `summary-${c}`, 'data-condition': c });
    const rows = kinds.some((k) => saved.probes[k][c]?.clock) ? [...SAVED_ROWS, 'clock'] : SAVED_ROWS;
    renderSummary(table, probes, rows, `Statistics per probe kind, ${CONDITIONS[c]}, in milliseconds`);
    const wrap = element('div', null, { class: 'table-wrap' });
    wrap.append(table);
    return section(`Summary (ms), ${CONDITIONS[c]}`, `summary-${c}-heading`, wrap);
  });

  // The verdicts per use, computed by the server from the stored figures (docs/outcomes.md).
  // Against the kernel's RTT of each method's own connection, worded by the server from the stored biases as
  // the measurement page words it; results saved before it was kept have none.
  const kernel = kernelLine(saved.reference);
  const outcomes = element('ul', null, { id: 'outcomes', class: 'outcomes', 'aria-label': 'What the line was good for' });
  renderOutcomes(outcomes, saved.outcomes);

  const s = saved.settings || {};
  const settings = element('dl', null, { class: 'settings' });
  for (const [term, detail] of [
    ['Probes', (s.probes || kinds).map((k) => KIND_NAMES[k] || k).join(', ')],
    ['Rounds', `${s.rounds}, one every ${s.interval} ms; the first ${s.warmup} not counted`],
    ['Timeout', `${s.timeout} ms`],
    ['Load', s.load || 'none'],
    ['Site', saved.site],
    ['Server instance', saved.instance],
  ]) settings.append(element('dt', term), element('dd', detail));

  root.replaceChildren(
    ...(outside('h1') ? [] : [element('h1', 'pingscope: a saved result')]),
    ...(outside('.facts') ? [] : [element('p', `Measured ${created} UTC ${who}.`, { class: 'meta' })]),
    element('p', idle ? `Median round-trip time: ${idle}` : 'No probe got an answer.', { class: 'medians-line' }),
    ...(kernel ? [element('p', kernel, { id: 'reference', class: 'reference' })] : []),
    outcomes,
    section('Distribution (share of samples at or below each RTT)', 'cdf-heading', legend, cdf),
    ...tables,
    section('Settings', 'settings-heading', settings),
    ...(outside(`a[href="/"], a[href="${base.href}"]`) ? [] : [ownRun()]),
  );
  draw();
  new ResizeObserver(draw).observe(root);
  root.dataset.state = 'loaded';
}

async function load() {
  linkStyles();
  root.dataset.state = 'loading';
  root.replaceChildren(element('p', 'Loading the saved result…', { class: 'meta' }));
  let response;
  try {
    response = await fetch(new URL(`api/results/${encodeURIComponent(root.dataset.id)}`, base), { credentials: 'omit' });
  } catch (e) {
    return fail(`Could not load the result: no answer from the server (${e.message}). Try again later.`);
  }
  if (response.status === 404) return fail('No saved result has this link: it was deleted, or it has expired.');
  if (!response.ok) return fail(`Could not load the result: the server said ${response.status}. Try again later.`);
  render(await response.json());
}

load();
