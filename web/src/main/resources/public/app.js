// app.js: the measurement page. Reads the settings, runs pingscope.measure, and keeps the charts and
// the table up to date while samples arrive.
import pingscope from './pingscope.mjs';
import { drawCdf, drawComparison, drawTimeline } from './charts.js';
import { headlineKind, KIND_NAMES, loadWords, renderFacts, renderLoadFacts, renderSummary, verdictText } from './summary.js';

const $ = (id) => document.getElementById(id);
let controller = null;
let live = {}; // kind -> idle samples kept so far in this run
let liveLoaded = {}; // kind -> samples kept under load
let finalResult = null;
let plannedSeconds = 10;
let frameRequested = false;

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
  if (finalResult?.load) drawComparison($('comparison'), finalResult.probes, KIND_NAMES);
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

/** Overall progress: with a load, the idle phase is the first 40 %, the ramp the next 20 %, the loaded rest. */
function progress(p, load) {
  const share = p.rounds ? p.round / p.rounds : 0;
  if (load === 'none') {
    $('progress').value = share;
    setStatus(`Measuring… round ${p.round} of ${p.rounds}.`);
  } else if (p.phase === 'idle') {
    $('progress').value = 0.4 * share;
    setStatus(`Idle line: round ${p.round} of ${p.rounds}; the ${load} load comes next.`);
  } else if (p.phase === 'ramp') {
    $('progress').value = Math.min(0.6, $('progress').value + 0.02);
    setStatus(`Loading the line (${load}): ${p.streams} stream(s), ${p.goodputMbps.toFixed(1)} Mbit/s, waiting for it to level off…`);
  } else {
    $('progress').value = 0.6 + 0.4 * share;
    setStatus(`Under load (${load}): round ${p.round} of ${p.rounds}.`);
  }
  liveSummary();
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
  live = Object.fromEntries(probes.map((kind) => [kind, []]));
  liveLoaded = Object.fromEntries(probes.map((kind) => [kind, []]));
  finalResult = null;
  $('loaded').hidden = true;
  $('summary-loaded-wrap').hidden = true;
  $('ping-loaded-figure').hidden = true;
  $('ping').textContent = '…';
  controller = new AbortController();
  setRunning(true);
  setStatus('Connecting…', 'running');
  $('progress').value = 0;
  $('verdict').textContent = 'Measuring…';
  $('facts').replaceChildren();
  redraw();
  liveSummary();
  try {
    const result = await pingscope.measure({
      probes, interval, duration: plannedSeconds * 1000, signal: controller.signal, load,
      onSample: (sample) => {
        (sample.load ? liveLoaded : live)[sample.kind].push(sample);
        requestRedraw();
      },
      onProgress: (p) => progress(p, load),
    });
    finalResult = result;
    live = Object.fromEntries(Object.entries(result.probes).map(([kind, stats]) => [kind, stats.samples]));
    redraw();
    renderSummary($('summary'), result.probes, result.load ? 'Idle line: statistics per probe kind, in milliseconds' : undefined);
    showHeadline(result.probes, result.load && Object.fromEntries(Object.entries(result.probes).map(([k, p]) => [k, p.loaded])));
    if (result.load) {
      $('ping-loaded-caption').textContent = `${WHILE[result.load.direction]}: ${result.load.rpm ?? '–'} RPM`;
      $('load-words').textContent = loadWords(result);
      renderLoadFacts($('load-facts'), result.load);
      renderSummary($('summary-loaded'), Object.fromEntries(Object.entries(result.probes).filter(([, p]) => p.loaded)
        .map(([k, p]) => [k, p.loaded])), `Under load (${result.load.direction}): statistics per probe kind, in milliseconds`);
      $('loaded').hidden = false;
      $('summary-loaded-wrap').hidden = false;
      redraw();
    }
    renderFacts($('facts'), result);
    $('verdict').textContent = verdictText(result);
    const seconds = (result.duration / 1000).toFixed(1);
    if (result.aborted) setStatus(`Stopped after ${seconds} s.`, 'stopped');
    else setStatus(`Done: ${seconds} s.`, 'done');
    if (!result.aborted) $('progress').value = 1;
  } catch (error) {
    setStatus(`The measurement failed: ${error.message}`, 'failed');
  } finally {
    controller = null;
    setRunning(false);
  }
}

$('settings').addEventListener('submit', start);
$('stop').addEventListener('click', () => controller?.abort());
new ResizeObserver(requestRedraw).observe(document.querySelector('main'));
renderSummary($('summary'), {});
