// app.js: the measurement page. Reads the settings, runs pingscope.measure, and keeps the charts and
// the table up to date while samples arrive. Saves each run (unless switched off) and lists the saved ones.
import pingscope from './pingscope.mjs';
import { drawCdf, drawComparison, drawServers, drawTimeline, drawTrend } from './charts.js';
import { remove, save } from './pingscope-save.js';
import {
  choiceWords, headlineKind, KIND_NAMES, loadWords, renderFacts, renderLoadFacts, renderOutcomes, renderServers, renderSummary,
  udpWords, verdictText,
} from './summary.js';

const $ = (id) => document.getElementById(id);
let controller = null;
let live = {}; // kind -> idle samples kept so far in this run
let liveLoaded = {}; // kind -> samples kept under load
let finalResult = null;
let plannedSeconds = 10;
let frameRequested = false;
let savedRuns = []; // the saved runs listed, newest first (as in localStorage)
let compared = null; // result.servers of the last compare run, for the chart
let runShare = 0; // how far the current server's run is, 0 to 1
let comparing = 0; // the index of the server a compare run is on (onProgress), to start its live charts afresh

function setStatus(text, state) {
  $('status').textContent = text;
  if (state) document.body.dataset.state = state;
}

function setRunning(running) {
  const stopHadFocus = document.activeElement === $('stop');
  $('settings-fields').disabled = running;
  $('start').disabled = running;
  $('stop').disabled = !running;
  // The pressed button becomes disabled: hand focus to the other one so the keyboard user can go on.
  if (running) $('stop').focus();
  else if (stopHadFocus || document.activeElement === document.body) $('start').focus();
}

/** Charts and table from the samples so far; called at most once per animation frame. */
function redraw() {
  frameRequested = false;
  drawTimeline($('timeline'), live, plannedSeconds);
  drawCdf($('cdf'), Object.fromEntries(Object.entries(live).map(([k, s]) => [k, s.map((x) => x.rtt)])));
  if (savedRuns.length) drawTrend($('trend'), [...savedRuns].reverse());
  if (finalResult?.load) drawComparison($('comparison'), finalResult.probes, KIND_NAMES);
  if (compared) drawServers($('compare-chart'), compared, KIND_NAMES);
}

/** The large figure: the median of the headline kind, idle and (once measured) under load. */
function showHeadline(probes, loaded) {
  const kind = headlineKind(probes);
  $('ping').textContent = kind ? probes[kind].p50.toFixed(1) : '–';
  $('ping-caption').textContent = `your ping: median round-trip time, idle line${kind ? ` (${KIND_NAMES[kind]})` : ''}`;
  const under = kind && loaded?.[kind]?.count ? loaded[kind] : null;
  $('ping-loaded-figure').hidden = !under;
  if (under) $('ping-loaded').textContent = under.p50.toFixed(1);
}

const summaries = (series) => Object.fromEntries(Object.entries(series).filter(([, s]) => s.length)
  .map(([kind, s]) => [kind, pingscope.stats.summarize(s.map((x) => x.rtt))]));
const WHILE = { download: 'while downloading', upload: 'while uploading', both: 'while downloading and uploading' };

function requestRedraw() {
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(redraw);
  }
}

function liveSummary() {
  const probes = {};
  for (const [kind, samples] of Object.entries(live)) {
    probes[kind] = { ...pingscope.stats.summarize(samples.map((s) => s.rtt)), lost: null, samples };
  }
  renderSummary($('summary'), probes);
  showHeadline(summaries(live), summaries(liveLoaded));
}

/**
 * Overall progress: with a load, the idle phase is the first 40 %, the ramp the next 20 %, the loaded rest. When
 * comparing servers, each server has an equal part of the bar, and its run's progress is scaled into it.
 */
function progress(p, load) {
  const text = runProgress(p, load);
  if (p.of && p.index !== comparing) { // the next server: live charts of its own
    comparing = p.index;
    for (const kind in live) live[kind] = [];
    for (const kind in liveLoaded) liveLoaded[kind] = [];
  }
  $('progress').value = p.of ? (p.index - 1 + runShare) / p.of : runShare;
  const on = p.server && `${p.server.name} (${p.server.region})`;
  setStatus(p.of ? `Comparing servers: ${on}, ${p.index} of ${p.of}. ${text}` : on ? `${on}: ${text}` : text);
  liveSummary();
}

/** Sets runShare from one run's progress and says in words where it is. */
function runProgress(p, load) {
  const share = p.rounds ? p.round / p.rounds : 0;
  if (load === 'none') {
    runShare = share;
    return `Measuring… round ${p.round} of ${p.rounds}.`;
  }
  if (p.phase === 'idle') {
    runShare = 0.4 * share;
    return `Idle line: round ${p.round} of ${p.rounds}; the ${load} load comes next.`;
  }
  if (p.phase === 'ramp') {
    runShare = Math.min(0.6, runShare + 0.02);
    return `Loading the line (${load}): ${p.streams} stream(s), ${p.goodputMbps.toFixed(1)} Mbit/s, waiting for it to level off…`;
  }
  runShare = 0.6 + 0.4 * share;
  return `Under load (${load}): round ${p.round} of ${p.rounds}.`;
}

async function start(event) {
  event.preventDefault();
  if (controller) return;
  const probes = [...document.querySelectorAll('input[name=probe]:checked')].map((input) => input.value);
  if (!probes.length) {
    setStatus('Choose at least one probe.');
    return;
  }
  const interval = $('interval').valueAsNumber;
  plannedSeconds = $('duration').valueAsNumber;
  const load = $('load').value;
  // Several servers listed: the nearest (auto), all of them (compare), or one chosen by its URL.
  const target = $('server-label').hidden ? null : $('server').value;
  const where = target === 'all' ? { servers: 'all' } : { server: target };
  live = Object.fromEntries(probes.map((kind) => [kind, []]));
  liveLoaded = Object.fromEntries(probes.map((kind) => [kind, []]));
  finalResult = null;
  compared = null;
  comparing = 0;
  runShare = 0;
  $('compare').hidden = true;
  $('server-choice').hidden = true;
  $('loaded').hidden = true;
  $('summary-loaded-wrap').hidden = true;
  $('ping-loaded-figure').hidden = true;
  $('ping').textContent = '…';
  renderOutcomes($('outcomes'), null);
  controller = new AbortController();
  setRunning(true);
  setStatus('Connecting…', 'running');
  $('progress').value = 0;
  $('verdict').textContent = 'Measuring…';
  $('pauses').hidden = true;
  $('udp-verdict').hidden = true;
  $('facts').replaceChildren();
  redraw();
  liveSummary();
  try {
    const outcome = await pingscope.measure({
      ...where, probes, interval, duration: plannedSeconds * 1000, signal: controller.signal, load,
      onSample: (sample) => {
        (sample.load ? liveLoaded : live)[sample.kind].push(sample);
        requestRedraw();
      },
      onProgress: (p) => progress(p, load),
    });
    const result = outcome.servers ? showCompared(outcome) : outcome;
    if (!result) {
      setStatus(`No server answered: ${outcome.servers.map((e) => `${e.name}: ${e.error}`).join('; ') || 'none listed'}.`, 'done');
      return;
    }
    if (!outcome.servers && typeof result.server === 'object') showChoice(choiceWords(result));
    finalResult = result;
    live = Object.fromEntries(Object.entries(result.probes).map(([kind, stats]) => [kind, stats.samples]));
    redraw();
    renderSummary($('summary'), result.probes, null, result.load ? 'Idle line: statistics per probe kind, in milliseconds' : undefined);
    showHeadline(result.probes, result.load && Object.fromEntries(Object.entries(result.probes).map(([k, p]) => [k, p.loaded])));
    if (result.load) {
      $('ping-loaded-caption').textContent = `${WHILE[result.load.direction]}: ${result.load.rpm ?? '–'} RPM`;
      $('load-words').textContent = loadWords(result);
      renderLoadFacts($('load-facts'), result.load);
      renderSummary($('summary-loaded'), Object.fromEntries(Object.entries(result.probes).filter(([, p]) => p.loaded)
        .map(([k, p]) => [k, p.loaded])), null, `Under load (${result.load.direction}): statistics per probe kind, in milliseconds`);
      $('loaded').hidden = false;
      $('summary-loaded-wrap').hidden = false;
      redraw();
    }
    renderOutcomes($('outcomes'), result.outcomes);
    renderFacts($('facts'), result);
    $('verdict').textContent = verdictText(result);
    $('udp-verdict').textContent = udpWords(result);
    $('udp-verdict').hidden = !$('udp-verdict').textContent;
    showPauses(result);
    const seconds = (outcome.duration / 1000).toFixed(1);
    if (outcome.aborted) setStatus(`Stopped after ${seconds} s.`, 'stopped');
    else setStatus(`Done: ${seconds} s.`, 'done');
    if (!outcome.aborted) $('progress').value = 1;
    if (outcome.servers) setSaved('off', 'Compare runs are not saved.');
    else saveRun(result);
  } catch (error) {
    setStatus(`The measurement failed: ${error.message}`, 'failed');
  } finally {
    controller = null;
    setRunning(false);
  }
}

/** Whether the measured server stalled itself during the run (GET api/pauses, docs/protocol.md), in plain words. */
async function showPauses(result) {
  const wanted = Math.ceil(result.duration / 1000);
  const seconds = Math.min(3600, Math.max(1, wanted));
  let pauses;
  try {
    const response = await fetch(new URL(`api/pauses?seconds=${seconds}`, result.server.url ?? result.server), { cache: 'no-store' });
    if (!response.ok) return; // not a pingscope server, or an older one: nothing to say
    pauses = await response.json();
  } catch {
    return;
  }
  if (typeof pauses?.maxMs !== 'number' || finalResult !== result) return;
  const ms = Math.max(1, Math.ceil(pauses.maxMs));
  const during = wanted > 3600 ? 'during the last hour of this run' : 'during this run';
  const paused = pauses.maxMs > 10;
  $('pauses').textContent = paused
    ? `The server paused up to ${ms} ms ${during}; RTTs above that may be the server's own.`
    : `The server did not pause more than ${ms} ms ${during}.`;
  $('pauses').dataset.state = paused ? 'paused' : 'quiet';
  $('pauses').hidden = false;
}

function showChoice(text) {
  $('server-choice').textContent = text;
  $('server-choice').hidden = false;
}

/**
 * A compare run: the table and the chart of every server; returns the result of the nearest measured one (the
 * lowest median of the headline kind), which the rest of the page then shows in detail, or null when none was.
 */
function showCompared(outcome) {
  compared = outcome.servers;
  renderServers($('compare-table'), compared);
  const measured = compared.filter((e) => e.result && headlineKind(e.result.probes));
  const p50 = (e) => e.result.probes[headlineKind(e.result.probes)].p50;
  const nearest = measured.reduce((best, e) => (!best || p50(e) < p50(best) ? e : best), null);
  const skipped = compared.length - measured.length;
  $('compare-words').textContent = `${measured.length} of ${compared.length} server(s) measured, one after another`
    + (skipped ? `; ${skipped} did not answer` : '') + (nearest ? `. Nearest: ${nearest.name} (${nearest.region}), `
    + `${p50(nearest).toFixed(1)} ms median (${KIND_NAMES[headlineKind(nearest.result.probes)]}).` : '.');
  $('compare').hidden = false;
  if (nearest) showChoice(`Compared ${compared.length} servers; below in detail: the nearest, ${nearest.name} (${nearest.region}).`);
  requestRedraw();
  return nearest && { ...nearest.result, server: { name: nearest.name, region: nearest.region, url: nearest.url } };
}

/** Offers the servers that GET api/servers lists, when it lists more than one; otherwise this server is measured. */
async function loadServers() {
  let list = [];
  try {
    const response = await fetch('api/servers', { cache: 'no-store' });
    if (response.ok) list = (await response.json()).servers || [];
  } catch {
    // an older server, or none reachable: this server alone
  }
  if (list.length < 2) return;
  $('server').append(...list.map((s) => element('option', `${s.name} (${s.region})`, { value: s.url })));
  $('server-label').hidden = false;
  showSaving();
}

// ---- saving: docs/results.md. The switch and the saved runs live in localStorage (when the browser allows it).
const HISTORY = 'pingscope.history'; // [{id, url, deleteToken, time (ISO 8601), medians: {kind: p50 in ms}}], newest first
const SAVING = 'pingscope.save'; // 'off' when the visitor turned saving off
const KEPT = 100; // saved runs listed; older ones drop off the list (the server still purges them in time)

function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage blocked: nothing remembered
  }
}

function store(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage blocked or full: not remembered beyond this page
  }
}

function history() {
  try {
    const list = JSON.parse(stored(HISTORY));
    return Array.isArray(list) ? list.filter((r) => r && typeof r.id === 'string' && typeof r.url === 'string') : [];
  } catch {
    return [];
  }
}

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

function button(text, onClick) {
  const node = element('button', text, { type: 'button', class: 'secondary' });
  node.addEventListener('click', onClick);
  return node;
}

let saves = 0; // numbers the saves, so that a late answer does not overwrite a newer run's line

/** The line under the progress bar: what became of the last run's save. */
function setSaved(state, ...content) {
  $('saved').dataset.state = state;
  $('saved').replaceChildren(...content);
}

async function saveRun(result) {
  const number = ++saves;
  if (!$('save-runs').checked) return setSaved('off', 'Not saved: saving is off.');
  if (!Object.values(result.probes).some((p) => p.count || p.lost)) return setSaved('none', 'Nothing measured: not saved.');
  setSaved('saving', 'Saving…');
  // On the server measured; after server: 'auto', result.server names it ({ name, region, url }).
  const saved = await save({ ...result, server: result.server.url ?? result.server });
  if (number !== saves) return;
  result.saved = saved;
  if (saved.error) {
    const later = saved.status >= 500 || saved.status === 429 || !saved.status;
    return setSaved('error', `Could not save: ${saved.error}${later ? ', try again later' : ''}. The result below stands. `,
      button('Try again', () => saveRun(result)));
  }
  const medians = Object.fromEntries(Object.entries(result.probes).map(([k, p]) => [k, p.p50 == null ? null : +p.p50.toFixed(3)]));
  const entry = { id: saved.id, url: saved.url, deleteToken: saved.deleteToken, time: new Date(result.startedAt).toISOString(), medians };
  store(HISTORY, JSON.stringify([entry, ...history().filter((r) => r.id !== entry.id)].slice(0, KEPT)));
  renderHistory();
  const link = element('a', saved.url, { href: saved.url, id: 'saved-link' });
  const copy = button('Copy link', async () => {
    try {
      await navigator.clipboard.writeText(saved.url);
      copy.textContent = 'Copied';
    } catch {
      getSelection().selectAllChildren(link); // no clipboard (e.g. plain http): the visitor copies the selection
      copy.textContent = 'Selected: press Ctrl+C';
    }
  });
  setSaved('saved', 'Saved: ', link, ' ', copy, ' ', button('Delete', () => deleteRun(entry)));
}

/** Deletes a saved run on the server and from the list; the line says what happened. */
async function deleteRun(entry) {
  const current = $('saved-link')?.getAttribute('href') === entry.url;
  let gone;
  try {
    gone = await remove(entry);
  } catch (error) {
    return setSaved('error', `Could not delete ${entry.url}: ${error.message}, try again later.`);
  }
  if (gone) {
    store(HISTORY, JSON.stringify(history().filter((r) => r.id !== entry.id)));
    renderHistory();
  }
  if (gone && current) setSaved('deleted', 'Deleted: the link no longer works.');
  else if (gone) setSaved('deleted', `Deleted the run of ${when(entry.time)}.`);
  else setSaved('error', `Could not delete ${entry.url}: the server refused its delete token.`);
}

const when = (time) => new Date(time).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
const medianText = (medians) => Object.entries(medians).filter(([, v]) => v != null)
  .map(([k, v]) => `${KIND_NAMES[k]} ${v.toFixed(2)} ms`).join(' · ');

/** The saved runs, newest first, and the trend of their medians. */
function renderHistory() {
  savedRuns = history();
  $('history-empty').hidden = savedRuns.length > 0;
  $('history-chart').hidden = savedRuns.length === 0;
  $('history').replaceChildren(...savedRuns.map((run) => {
    const item = element('li', null, { 'data-id': run.id });
    item.append(element('a', when(run.time), { href: run.url }), ' ', button('Delete', () => deleteRun(run)),
      element('span', `medians: ${medianText(run.medians || {})}`, { class: 'medians' }));
    return item;
  }));
  requestRedraw();
}

function showSaving() {
  const on = $('save-runs').checked;
  store(SAVING, on ? 'on' : 'off');
  $('save-note').textContent = on
    ? `Each run is saved on ${$('server-label').hidden ? 'this server' : 'the server it measured (a compare run is not saved)'}:`
      + ' you get a link to share it, and your saved runs are listed below to compare. You can delete any of them.'
    : 'Saving is off: runs stay in this tab only.';
}

$('settings').addEventListener('submit', start);
$('stop').addEventListener('click', () => controller?.abort());
$('save-runs').checked = stored(SAVING) !== 'off';
$('save-runs').addEventListener('change', showSaving);
showSaving();
renderHistory();
new ResizeObserver(requestRedraw).observe(document.querySelector('main'));
renderSummary($('summary'), {});
loadServers();
