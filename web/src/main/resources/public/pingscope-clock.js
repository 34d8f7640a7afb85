// pingscope-clock.js: what clock timed each probe kind, and statistics that stay unbiased when it is coarse.
// An ES module that pingscope.js imports once a run is done (the snippet stays small). Browsers coarsen
// performance.now() and Resource Timing alike: Chromium 100 us (5 us cross-origin isolated), Firefox 1 ms
// with a random midpoint per timestamp (20 us isolated), WebKit 1 ms rounded down (20 us isolated). A median
// of readings on a 1 ms grid is itself on the grid; here each reading is spread evenly over its step, and the
// percentile is read from that spread (grouped-data interpolation). Fields and figures: docs/embedding.md.

/** Grid spacings a browser clock uses, ms, coarsest first; the step is the coarsest that every reading fits. */
const STEPS = [1, 0.1, 0.02, 0.005, 0.001];
/** From this step (ms) on the spread percentiles replace the plain ones: finer grids snap by under 10 us. */
export const QUANTIZED = 0.05;
const MIN_READINGS = 8; // fewer readings fit a coarse grid by chance too often
const TRIALS = 200;
const SIMULATED = 500; // RTTs per simulated run at most: beyond, the simulated error is scaled by sqrt(500 / n)
/** What a grid cannot tell about the median, in steps: the largest bias of spreadPercentile seen, 0.13, rounded up. */
const IDENTIFIED = 0.15;

const sorted = (values) => Float64Array.from(values).sort();

/** The coarsest of STEPS that every reading is a whole multiple of; 0 when none fits, null with too few readings. */
export function stepOf(readings) {
  if (readings.length < MIN_READINGS) return null;
  return STEPS.find((s) => readings.every((v) => Math.abs(v / s - Math.round(v / s)) < 0.01)) ?? 0;
}

/** The smallest change of performance.now() seen in 5 tries of reading it until it changes (ms), or null. */
export function tick() {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    let u = t;
    for (let n = 0; u === t && n < 1e6; n++) u = performance.now();
    if (u > t) best = Math.min(best, u - t);
  }
  return best === Infinity ? null : +best.toFixed(6);
}

/**
 * p in (0, 100) of ascending readings, each spread evenly over [v - step/2, v + step/2]: the q where that
 * spread's distribution function reaches p / 100 (the grouped-data percentile, on a grid). With step 0 it is
 * the plain percentile between closest ranks.
 */
export function spreadPercentile(asc, p, step) {
  const n = asc.length;
  if (!n) return null;
  if (!(step > 0)) return closestRanks(asc, p);
  const h = step / 2, prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + asc[i];
  const below = (x) => { // how many readings are < x
    let lo = 0, hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (asc[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const mass = (q) => { // n times the spread's distribution function at q
    const a = below(q - h), b = below(q + h);
    return a + ((b - a) * (q + h) - (prefix[b] - prefix[a])) / step;
  };
  const target = n * p / 100;
  const first = (reached) => { // the smallest q where reached(mass(q)), to 1e-9 ms
    let lo = asc[0] - h, hi = asc[n - 1] + h;
    for (let i = 0; i < 60 && hi - lo > 1e-9; i++) {
      const mid = (lo + hi) / 2;
      if (reached(mass(mid))) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  // Where the spread is flat at p (readings further apart than a step), the middle of the flat part:
  // then, as for the plain median of an even count, the mean of the two readings around it.
  return (first((m) => m >= target - 1e-9) + first((m) => m > target + 1e-9)) / 2;
}

function closestRanks(asc, p) {
  const n = asc.length, pos = (n - 1) * p / 100, i = Math.floor(pos);
  return i + 1 < n ? asc[i] + (asc[i + 1] - asc[i]) * (pos - i) : asc[i];
}

/**
 * One timed difference t1 - t0 = x read on a coarse clock whose t0 falls at a random phase of its step:
 * 'floor' rounds both down (WebKit); 'jitter' rounds each up past a random midpoint of its grid cell
 * (Firefox; Chromium's random cut-off is the same), one midpoint per cell.
 */
export function quantize(x, step, model, next) {
  const t0 = next() * step, t1 = t0 + x, k1 = Math.floor(t1 / step);
  if (model === 'floor') return k1 * step;
  const m0 = next(), m1 = k1 === 0 ? m0 : next();
  return (k1 + (t1 / step - k1 > m1 ? 1 : 0) - (t0 / step > m0 ? 1 : 0)) * step;
}

/**
 * What the clock leaves uncertain in p50 (ms): the 95th percentile of |spread p50 of coarse readings - plain
 * p50 of the exact ones| over TRIALS simulated runs of the same size. Each run draws exact RTTs from the
 * readings spread over their step, reads them on both coarse clocks (floor and jitter) and keeps the worse;
 * plus IDENTIFIED steps.
 * offsets (the server time subtracted from each HEAD reading) move the reading on the clock's grid. Runs
 * of more than SIMULATED RTTs are simulated at that size and the error scaled by the square root of the
 * sizes' ratio (it falls so with n: CoarseClockStatisticsTest), which keeps this under about 0.2 s.
 */
export function errorBound(rtts, step, { offsets = null, seed = 1, trials = TRIALS } = {}) {
  const n = rtts.length;
  if (!n) return null;
  if (!(step >= QUANTIZED)) return 2 * step; // a reading is off by under 2 steps, and so is any order statistic
  const size = Math.min(n, SIMULATED), next = globalThis.pingscope.stats.random(seed);
  const exact = new Float64Array(size), read = new Float64Array(size);
  let worst = 0;
  for (const model of ['floor', 'jitter']) {
    const errors = new Float64Array(trials);
    for (let t = 0; t < trials; t++) {
      for (let j = 0; j < size; j++) {
        const i = Math.floor(next() * n), off = offsets ? offsets[i] : 0;
        exact[j] = Math.max(0, rtts[i] + off + (next() - 0.5) * step);
        read[j] = quantize(exact[j], step, model, next) - off;
        exact[j] -= off;
      }
      errors[t] = Math.abs(spreadPercentile(read.sort(), 50, step) - closestRanks(exact.sort(), 50));
    }
    worst = Math.max(worst, closestRanks(errors.sort(), 95));
  }
  // The simulated RTTs are flat within a step, so the runs cannot show what a sloped density within a step
  // shifts (the grid does not identify it): up to 0.13 step in CoarseClockStatisticsTest's shapes.
  return +(worst * Math.sqrt(size / n) + IDENTIFIED * step).toFixed(4);
}

/**
 * median(a) - median(b) by spread percentiles, and its 95 % percentile-bootstrap interval widened by the
 * clock's error bounds (hypot of the two): the interval holds what sampling and the clock leave uncertain.
 */
export function compareClocked(a, b, { stepA = 0, stepB = 0, boundA = 0, boundB = 0, resamples = 1000, seed = 1 } = {}) {
  if (a.length < 5 || b.length < 5) {
    return { difference: null, low: null, high: null, seed, clock: null, verdict: 'Too few samples to compare HTTP HEAD with WebSocket echo.' };
  }
  const next = globalThis.pingscope.stats.random(seed), diffs = new Float64Array(resamples);
  const ascA = sorted(a), ascB = sorted(b), bufA = new Float64Array(a.length), bufB = new Float64Array(b.length);
  const resampled = (asc, buf, step) => { // drawn as counts per rank, so the resample comes out sorted
    const n = asc.length, counts = new Uint32Array(n);
    for (let i = 0; i < n; i++) counts[Math.floor(next() * n)]++;
    for (let i = 0, j = 0; i < n; i++) for (let c = counts[i]; c > 0; c--) buf[j++] = asc[i];
    return spreadPercentile(buf, 50, step);
  };
  for (let i = 0; i < resamples; i++) diffs[i] = resampled(ascA, bufA, stepA) - resampled(ascB, bufB, stepB);
  diffs.sort();
  const clock = Math.hypot(boundA, boundB);
  const c = {
    difference: spreadPercentile(ascA, 50, stepA) - spreadPercentile(ascB, 50, stepB),
    low: closestRanks(diffs, 2.5) - clock, high: closestRanks(diffs, 97.5) + clock, seed, clock,
  };
  const ci = `95 % interval of HEAD minus echo, the clock's ±${clock.toFixed(2)} ms included: ${c.low.toFixed(2)} to ${c.high.toFixed(2)} ms`;
  const by = Math.abs(c.difference).toFixed(2);
  c.verdict = c.low > 0 || c.high < 0
    ? `HTTP HEAD is ${c.low > 0 ? 'slower' : 'faster'} than WebSocket echo by ${by} ms at the median (${ci}).`
    : `No clear difference between HTTP HEAD and WebSocket echo at the median (${by} ms apart; ${ci}, which includes zero).`;
  return c;
}

/** 'subtracted' when every HEAD answer carried Server-Timing app;dur, 'not exposed' when none did, else 'partly'. */
export function serverTiming(samples) {
  const absent = samples.filter((s) => s.server == null).length;
  return !samples.length ? null : !absent ? 'subtracted' : absent === samples.length ? 'not exposed' : 'partly';
}

/**
 * Adds probes[kind].clock = {step, isolated, quantized, errorBound} to a finished run, replaces p50, p90 and
 * p99 of quantized kinds by spread percentiles, the comparison by compareClocked when a side is quantized,
 * and says for http_head whether the server's time was subtracted. Returns the result.
 */
export default function clock(result, { resamples = 1000, seed = 1 } = {}) {
  const isolated = !!globalThis.crossOriginIsolated;
  result.precise.tick = tick();
  for (const [kind, p] of Object.entries(result.probes)) {
    const samples = p.samples || [];
    const offsets = kind === 'http_head' ? samples.map((s) => s.server || 0) : null;
    const raw = samples.map((s, i) => s.rtt + (offsets ? offsets[i] : 0)); // what the clock timed
    // No reading, no step: the saved-run contract pairs a null step with a null bound.
    const step = !samples.length ? null : stepOf(raw) ?? (kind === 'ws_ping' ? null : result.precise.tick);
    const quantized = step >= QUANTIZED;
    const rtts = samples.map((s) => s.rtt);
    p.clock = { step, isolated, quantized, errorBound: step == null ? null : errorBound(rtts, step, { offsets, seed }) };
    if (kind === 'http_head') p.serverTiming = serverTiming(samples);
    if (quantized && rtts.length) {
      const asc = sorted(rtts);
      for (const q of [50, 90, 99]) p[`p${q}`] = spreadPercentile(asc, q, step);
    }
  }
  const head = result.probes.http_head, echo = result.probes.ws_echo;
  if (result.comparison && (head.clock.quantized || echo.clock.quantized)) {
    result.comparison = compareClocked(head.samples.map((s) => s.rtt), echo.samples.map((s) => s.rtt), {
      stepA: head.clock.quantized ? head.clock.step : 0, stepB: echo.clock.quantized ? echo.clock.step : 0,
      boundA: head.clock.errorBound || 0, boundB: echo.clock.errorBound || 0, resamples, seed: result.comparison.seed,
    });
  }
  return result;
}
