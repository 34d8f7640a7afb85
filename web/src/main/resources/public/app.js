// app.js: the measurement page. Reads the settings, runs pingscope.measure, and keeps the charts and
// the table up to date while samples arrive.
import pingscope from './pingscope.mjs';
import { drawCdf, drawTimeline } from './charts.js';
import { renderFacts, renderSummary, verdictText } from './summary.js';

const $ = (id) => document.getElementById(id);
let controller = null;
let live = {}; // kind -> samples kept so far in this run
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
}

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
  live = Object.fromEntries(probes.map((kind) => [kind, []]));
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
      probes, interval, duration: plannedSeconds * 1000, signal: controller.signal,
      onSample: (sample) => {
        live[sample.kind].push(sample);
        requestRedraw();
      },
      onProgress: ({ round, rounds }) => {
        $('progress').value = round / rounds;
        setStatus(`Measuring… round ${round} of ${rounds}.`);
        liveSummary();
      },
    });
    live = Object.fromEntries(Object.entries(result.probes).map(([kind, stats]) => [kind, stats.samples]));
    redraw();
    renderSummary($('summary'), result.probes);
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
