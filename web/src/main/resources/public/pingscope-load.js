// pingscope-load.js: latency under load (docs/load.md), an ES module that pingscope.js imports only when
// measure({ load }) asks for a load, so that the snippet stays small. It runs the idle measurement as always,
// then ramps load streams to the server's /load/ endpoints until goodput is stable (the IETF responsiveness
// draft's rule), measures again on a second WebSocket (/ws?load=<direction>) while the load goes on, and
// computes RPM from foreign probes (new connections, timed by Resource Timing) and self probes (HEAD).
// Every field: docs/embedding.md.

const DIRECTIONS = ['download', 'upload', 'both'];
const MAD = 4; // intervals in a moving average, and moving averages in a stability check
const SDT = 0.05; // stable: standard deviation below 5 % of the current moving average
const UPLOAD_BYTES = 4 * 1024 * 1024; // one upload request's body; each stream sends one after another

const stddev = (xs) => {
  const mean = xs.reduce((a, v) => a + v, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, v) => a + (v - mean) ** 2, 0) / xs.length);
};
/** The draft's stability test over the last MAD values: their standard deviation below SDT of the last. */
const stable = (values) => values.length >= MAD && stddev(values.slice(-MAD)) < SDT * values[values.length - 1];

/**
 * The draft's trimmed mean (-09 §5.3.1.1, §10): the mean of the best floor(95 %) of the values, as
 * networkquality-rs keeps them; null when none is kept (a single sample keeps none).
 */
export function trimmedMean(values) {
  const keep = Math.floor(values.length * 0.95);
  if (!keep) return null;
  const kept = [...values].sort((a, b) => a - b).slice(0, keep);
  return kept.reduce((a, v) => a + v, 0) / kept.length;
}

/**
 * RPM by draft-ietf-ippm-responsiveness-09 §5.3.1 (docs/load.md), as prober/Responsiveness.java computes it:
 * (60000 / mean(TM(tcp_f), TM(tls_f), TM(http_f)) + 60000 / TM(http_l)) / 2, the foreign mean over the terms
 * that exist (TCP and HTTP over plain http; HTTP alone when the browser reused a connection). Null when http_f
 * or the self term has no samples, or a term is not positive.
 */
export function rpm({ tcp, tls, http }, self) {
  const s = trimmedMean(self), h = trimmedMean(http);
  if (s == null || h == null) return null;
  const terms = [trimmedMean(tcp), trimmedMean(tls), h].filter((v) => v != null);
  const foreign = terms.reduce((a, v) => a + v, 0) / terms.length;
  if (!(foreign > 0 && s > 0)) return null;
  return (60000 / foreign + 60000 / s) / 2;
}

const rank = { low: 0, medium: 1, high: 2 };
const lower = (a, b) => (rank[a] <= rank[b] ? a : b);
const confidence = (intervals, reached) => (intervals < MAD ? 'low' : reached ? 'high' : 'medium');

/** Load streams of one run: download fetches read to the end of time, uploads by XMLHttpRequest (progress). */
function streams(base, signal) {
  let bytes = 0, count = 0, failed = 0, body = null;
  const stop = new AbortController(), xhrs = new Set();
  const abort = () => {
    stop.abort();
    for (const x of xhrs) x.abort();
  };
  signal?.addEventListener('abort', abort, { once: true });

  async function download() {
    // Credentials 'same-origin' (not the probes' 'omit'): Chromium keeps these connections in a pool apart from
    // the probes', so that over HTTP/1.1 a probe never waits behind a load stream for one of the six per host.
    const response = await fetch(new URL('load/download', base), { cache: 'no-store', signal: stop.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status} from load/download`);
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      bytes += value.byteLength;
    }
  }

  function uploadOnce() {
    if (!body) {
      const chunk = new Uint8Array(65536); // incompressible, and nothing compresses it anyway
      crypto.getRandomValues(chunk);
      body = new Blob(Array(UPLOAD_BYTES / chunk.length).fill(chunk));
    }
    return new Promise((resolve, reject) => {
      const x = new XMLHttpRequest();
      let sent = 0;
      xhrs.add(x);
      x.open('POST', new URL('load/upload', base));
      x.upload.onprogress = (e) => {
        bytes += e.loaded - sent;
        sent = e.loaded;
      };
      x.onloadend = () => {
        xhrs.delete(x);
        if (x.status === 200) {
          bytes += UPLOAD_BYTES - sent; // the last bytes may come without a progress event
          resolve();
        } else reject(new Error(x.status ? `HTTP ${x.status} from load/upload` : 'load/upload failed'));
      };
      x.send(body);
    });
  }
  async function upload() {
    while (!stop.signal.aborted) await uploadOnce();
  }

  return {
    get bytes() { return bytes; },
    get count() { return count; },
    get failed() { return failed; },
    add(direction) {
      count++;
      (direction === 'download' ? download() : upload()).catch(() => {
        if (!stop.signal.aborted) {
          failed++;
          count--;
        }
      });
    },
    stop: abort,
  };
}

/** Foreign probes: GETs of the 1-byte object, ten a second, each timed by its own Resource Timing entry. */
function foreignProbes(base, timeout) {
  const run = Math.random().toString(36).slice(2, 10), waiting = new Map(), list = [];
  let n = 0, timer = null;
  const observer = new PerformanceObserver((entries) => {
    for (const e of entries.getEntries()) waiting.get(e.name)?.(e);
  });
  observer.observe({ type: 'resource' });
  async function probe() {
    const url = new URL(`load/download?bytes=1&pingscope=f${run}-${++n}`, base).href, at = performance.now();
    const sample = { at, lost: true };
    list.push(sample);
    const entry = new Promise((resolve) => {
      waiting.set(url, resolve);
      setTimeout(() => resolve(null), timeout + 1000);
    });
    try {
      // Not in the load streams' connection pool (credentials differ): there they would wait for a free connection.
      const response = await fetch(url, { cache: 'no-store', credentials: 'omit', signal: AbortSignal.timeout(timeout) });
      await response.arrayBuffer();
      if (!response.ok) return;
    } catch {
      return;
    }
    const elapsed = performance.now() - at, e = await entry;
    waiting.delete(url);
    sample.lost = false;
    const timed = e && e.requestStart > 0 && e.responseEnd > 0; // zeroed without Timing-Allow-Origin
    sample.http = timed ? e.responseEnd - e.requestStart : elapsed;
    sample.source = timed ? 'resource-timing' : 'performance.now';
    if (timed && e.connectEnd > e.connectStart) {
      const tls = e.secureConnectionStart;
      sample.tcp = (tls || e.connectEnd) - e.connectStart;
      if (tls) sample.tls = e.connectEnd - tls;
    }
  }
  return {
    start(interval = 100) {
      timer = setInterval(probe, interval);
    },
    stop() {
      clearInterval(timer);
      observer.disconnect();
    },
    /** The probes sent in [from, to), as the three lists the RPM needs and a summary. */
    between(from, to) {
      const s = list.filter((x) => x.at >= from && x.at < to), ok = s.filter((x) => !x.lost);
      const pick = (k) => ok.filter((x) => x[k] != null).map((x) => x[k]);
      const lists = { tcp: pick('tcp'), tls: pick('tls'), http: pick('http') };
      return {
        lists,
        summary: {
          sent: s.length, lost: s.length - ok.length, newConnections: lists.tcp.length,
          resourceTiming: ok.length ? ok.every((x) => x.source === 'resource-timing') : null,
          tcp: trimmedMean(lists.tcp), tls: trimmedMean(lists.tls), http: trimmedMean(lists.http),
        },
      };
    },
  };
}

/**
 * The whole run with a load: called by pingscope.js as default(options, measure, base), where measure is the
 * library's own and base the server's URL.
 */
export default async function measureUnderLoad(o, measure, base) {
  const direction = o.load;
  if (!DIRECTIONS.includes(direction)) throw new TypeError(`pingscope: options.load must be none, ${DIRECTIONS.join(', ')}: ${direction}`);
  const interval = o.loadInterval || 1000, loadDuration = o.loadDuration || 20000;
  const progress = (phase) => (p) => o.onProgress?.({ ...p, phase });
  // Each phase is one measurement; the combined result is saved once, at the end (with save: true).
  const saved = async (r) => {
    if (o.save) r.saved = await import(new URL('pingscope-save.js', base)).then((m) => m.save(r), (e) => ({ error: e.message }));
    return r;
  };
  const idle = await measure({ ...o, load: null, save: false, onProgress: progress('idle') });
  if (idle.aborted) return saved(idle);

  // HTTP/2 and HTTP/3 carry every fetch to one origin on one connection: "parallel" streams are one flow there.
  // Over HTTP/1.1 the browser opens at most six connections per host and pool; one is left for foreign probes.
  const protocols = idle.probes.http_head?.protocols || [];
  const multiplexed = protocols.some((p) => /^h[23]/.test(p));
  const maxStreams = multiplexed ? 16 : 5;
  const load = streams(base, o.signal), foreign = foreignProbes(base, o.timeout || 2000);
  const directions = direction === 'both' ? ['download', 'upload'] : [direction];
  const t0 = performance.now(), sleep = (t) => new Promise((r) => setTimeout(r, t - performance.now()));
  const averages = [], perInterval = [];
  let last = 0, p = 0, saturated = false;
  foreign.start();
  try {
    // Ramp: one stream per direction at first, one more each interval until the moving average of goodput is
    // stable (or half the loaded phase has passed); samples of this time are not kept.
    for (const d of directions) load.add(d);
    while (!o.signal?.aborted && performance.now() - t0 < loadDuration / 2) {
      await sleep(t0 + ++p * interval);
      perInterval.push(load.bytes - last);
      last = load.bytes;
      const window = perInterval.slice(-MAD);
      averages.push(window.reduce((a, v) => a + v, 0) / (MAD * interval));
      saturated = perInterval.length >= MAD && stable(averages);
      o.onProgress?.({ phase: 'ramp', streams: load.count, goodputMbps: (averages.at(-1) * 8) / 1000, elapsed: performance.now() - t0 });
      if (saturated) break;
      for (const d of directions) if (load.count < maxStreams) load.add(d);
    }
    if (o.signal?.aborted || !load.count) {
      if (!load.count) idle.errors.push(`load: no load stream could be opened to ${base.href}load/`);
      return saved(idle);
    }
    const rampIntervals = p;

    // Loaded phase: the library's own measurement again, on a second WebSocket (/ws?load=…), samples reported
    // under the condition, while the streams go on.
    const from = performance.now(), bytesFrom = load.bytes;
    const rest = Math.max(interval * MAD, loadDuration - (from - t0));
    const loaded = await measure({
      ...o, load: null, save: false, condition: direction, duration: Math.min(o.duration || 10000, rest), rounds: o.rounds,
      onSample: o.onSample && ((s) => o.onSample({ ...s, load: direction })), onProgress: progress('loaded'),
    });
    const to = performance.now(), bytes = load.bytes - bytesFrom;

    // Responsiveness per interval of the loaded phase, over the probes so far: stable as the goodput was.
    const self = loaded.probes.http_head?.samples || [];
    const rpms = [];
    for (let end = from + interval; end <= to + 1; end += interval) {
      const f = foreign.between(from, end).lists, s = self.filter((x) => from + x.at < end).map((x) => x.rtt);
      const value = rpm(f, s);
      if (value != null) rpms.push(value);
    }
    const f = foreign.between(from, to);
    const goodputConfidence = confidence(rampIntervals, saturated);
    const rpmConfidence = confidence(rpms.length, stable(rpms));
    const value = rpm(f.lists, self.map((x) => x.rtt));

    const result = { ...idle };
    result.duration = idle.duration + (to - t0);
    result.aborted = loaded.aborted;
    result.errors = [...idle.errors, ...loaded.errors];
    if (load.failed) result.errors.push(`load: ${load.failed} load stream(s) failed (the server's caps answer 429 or 503)`);
    result.reconnects = idle.reconnects + loaded.reconnects;
    result.instances = { ...idle.instances, wsAll: [...new Set([...idle.instances.wsAll, ...loaded.instances.wsAll])] };
    result.reported = Object.fromEntries(Object.keys(idle.reported).map((k) => [k, idle.reported[k] + loaded.reported[k]]));
    result.probes = {};
    for (const [kind, figures] of Object.entries(idle.probes)) {
      const l = loaded.probes[kind];
      result.probes[kind] = { ...figures, loaded: l };
      if (l) {
        result.probes[kind].increase = Object.fromEntries(['p50', 'p90', 'p99']
          .map((q) => [q, l[q] != null && figures[q] != null ? l[q] - figures[q] : null]));
      }
    }
    result.load = {
      direction, goodputMbps: to > from ? (bytes * 8) / (to - from) / 1000 : 0, streams: load.count,
      rpm: value == null ? null : Math.round(value),
      confidence: lower(goodputConfidence, rpmConfidence), goodputConfidence, rpmConfidence,
      multiplexed, foreign: f.summary, rampMs: from - t0, loadedMs: to - from, bytes,
    };
    result.settings = { ...idle.settings, load: direction };
    const outcomes = await import('./pingscope-outcomes.js').catch(() => null); // docs/outcomes.md
    result.load.rpmBand = (await outcomes?.rpmBand(result.load.rpm)) ?? null;
    result.outcomes = (await outcomes?.default(result)) ?? null;
    return saved(result);
  } finally {
    foreign.stop();
    load.stop();
  }
}
