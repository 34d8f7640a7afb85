// pingscope-load.js: latency under load (docs/load.md), an ES module that pingscope.js imports only when
// measure({ load }) asks for a load, so that the snippet stays small. It runs the idle measurement as always,
// then ramps load streams to the server's /load/ endpoints until goodput is stable (the IETF responsiveness
// draft's rule), measures again on a second WebSocket (/ws?load=<direction>) while the load goes on, and
// computes RPM from foreign probes (new connections, timed by Resource Timing) and self probes (the kernel's
// RTT of the load connections, which the server reads; the HEAD probes where it cannot).
// Every field: docs/embedding.md.

const DIRECTIONS = ['download', 'upload', 'both'];
const MAD = 4; // intervals in a moving average, and moving averages in a stability check
const SDT = 0.05; // stable: standard deviation below 5 % of the current moving average
const UPLOAD_BYTES = 4 * 1024 * 1024; // one upload request's body; each stream sends one after another
const SELF_PER_SECOND = 4; // samplings of the load connections' kernel RTT (GET load/self), as probe does
// Over HTTP/1.1 the browser opens at most six connections per host and pool: the load streams and the foreign
// probes share one pool (credentials 'same-origin'), FOREIGN_SLOTS of it for the probes, which must connect anew.
const FOREIGN_SLOTS = 2;

/** A run's token (load/self?run=R): 16 hex digits, which the server's 8-to-64-character rule accepts. */
const runToken = () => Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');

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
function streams(base, signal, run) {
  let bytes = 0, count = 0, failed = 0, body = null;
  const stop = new AbortController(), xhrs = new Set();
  const abort = () => {
    stop.abort();
    for (const x of xhrs) x.abort();
  };
  signal?.addEventListener('abort', abort, { once: true });

  async function download() {
    // Credentials 'same-origin' (not the HEAD probes' 'omit'): Chromium keeps these connections in a pool apart
    // from the HEAD probes', so that over HTTP/1.1 a HEAD probe never waits behind a load stream for one of six
    // per host; in a download test the foreign probes share this pool, on the connections left free for them.
    const response = await fetch(new URL(`load/download?run=${run}`, base), { cache: 'no-store', signal: stop.signal });
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
      x.open('POST', new URL(`load/upload?run=${run}`, base));
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

/**
 * Self probes (-09 §5.3, docs/load.md): over HTTP/1.1 no probe can ride a load connection, so the kernel's RTT
 * of each one stands in, which the server reads from TCP_INFO and hands out per run (GET load/self?run=R).
 * Sampled SELF_PER_SECOND times a second; why it was not available, when it was not, is kept.
 */
function selfProbes(base, run, timeout) {
  const list = [];
  let timer = null, busy = false, unavailable = null;
  async function sample() {
    if (busy) return; // a slow answer under load delays the next sampling, it does not pile up
    busy = true;
    const at = performance.now();
    try {
      const response = await fetch(new URL(`load/self?run=${run}`, base), { cache: 'no-store', credentials: 'omit', signal: AbortSignal.timeout(timeout) });
      const answer = await response.json().catch(() => null);
      if (!response.ok || !answer) unavailable = `load/self answered HTTP ${response.status}`;
      else if (answer.source == null) unavailable = `the server: ${answer.reason}`;
      for (const s of answer?.streams || []) list.push({ at, ms: s.self_ms });
    } catch (e) {
      unavailable = `load/self: ${e.message}`;
    } finally {
      busy = false;
    }
  }
  return {
    start() {
      timer = setInterval(sample, 1000 / SELF_PER_SECOND);
    },
    stop() {
      clearInterval(timer);
    },
    /** The kernel's RTTs (ms) sampled in [from, to). */
    between(from, to) {
      return list.filter((x) => x.at >= from && x.at < to).map((x) => x.ms);
    },
    get unavailable() { return unavailable; },
  };
}

/**
 * Foreign probes: GETs of the 1-byte object, ten a second, each timed by its own Resource Timing entry. With
 * fresh (HTTP/1.1 to the page's own origin) each asks the server to close its connection after the answer
 * (close=1) and goes in the load streams' pool, where FOREIGN_SLOTS connections are left free: so each one opens
 * a new connection, as the draft defines foreign probes (§5.1), without taking the HEAD probes' warm one. A
 * probe due while all slots are busy is skipped, not lost (it would only wait in the browser's queue).
 */
function foreignProbes(base, timeout, fresh) {
  const run = Math.random().toString(36).slice(2, 10), waiting = new Map(), list = [];
  let n = 0, timer = null, inFlight = 0;
  const observer = new PerformanceObserver((entries) => {
    for (const e of entries.getEntries()) waiting.get(e.name)?.(e);
  });
  observer.observe({ type: 'resource' });
  async function probe() {
    if (fresh && inFlight >= FOREIGN_SLOTS) return;
    const close = fresh ? '&close=1' : '';
    const url = new URL(`load/download?bytes=1${close}&pingscope=f${run}-${++n}`, base).href, at = performance.now();
    const sample = { at, lost: true };
    list.push(sample);
    inFlight++;
    const entry = new Promise((resolve) => {
      waiting.set(url, resolve);
      setTimeout(() => resolve(null), timeout + 1000);
    });
    try {
      const credentials = fresh ? 'same-origin' : 'omit';
      const response = await fetch(url, { cache: 'no-store', credentials, signal: AbortSignal.timeout(timeout) });
      await response.arrayBuffer();
      if (!response.ok) return;
    } catch {
      return;
    } finally {
      inFlight--;
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

  // HTTP/2 and HTTP/3 carry every fetch to one origin on one connection: "parallel" streams are one flow there,
  // and no foreign probe can have a connection of its own. Over HTTP/1.1 the browser opens at most six connections
  // per host and pool; FOREIGN_SLOTS of the load streams' pool are left for foreign probes. A page of another
  // origin sends no credentials either way, so all its requests share one pool: there foreign probes do not close
  // connections, or they would take the HEAD probes' warm one (docs/load.md, "In the browser"). An upload stream's
  // connection is idle between two bodies, where a foreign probe of its pool would take it and have it closed:
  // with uploads the foreign probes stay in the HEAD probes' pool and keep their connections.
  const protocols = idle.probes.http_head?.protocols || [];
  const multiplexed = protocols.some((p) => /^h[23]/.test(p));
  const fresh = direction === 'download' && !multiplexed && base.origin === globalThis.location?.origin;
  const maxStreams = multiplexed ? 16 : fresh ? 6 - FOREIGN_SLOTS : 5;
  const run = runToken(), timeout = o.timeout || 2000;
  const load = streams(base, o.signal, run), foreign = foreignProbes(base, timeout, fresh), self = selfProbes(base, run, timeout);
  const directions = direction === 'both' ? ['download', 'upload'] : [direction];
  const t0 = performance.now(), sleep = (t) => new Promise((r) => setTimeout(r, t - performance.now()));
  const averages = [], perInterval = [];
  let last = 0, p = 0, saturated = false;
  foreign.start();
  self.start();
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

    // Responsiveness at the end of each interval of the loaded phase, over the probes of the last MAD intervals
    // (§5.3.1.1); the reported one is where it became stable (§5.4), else the last. Self probes are the kernel's
    // RTT of the load connections where the server gave it, else the HEAD probes on their warm connection.
    const heads = loaded.probes.http_head?.samples || [];
    const selfIn = (a, b) => {
      const kernel = self.between(a, b);
      return kernel.length ? { source: 'tcp_info', values: kernel }
        : { source: 'warm_http_head', values: heads.filter((x) => from + x.at >= a && from + x.at < b).map((x) => x.rtt) };
    };
    const rpms = [];
    let value = null, selfWindow = null, reached = false;
    for (let end = from + interval; end <= to + 1; end += interval) {
      const start = Math.max(from, end - MAD * interval), s = selfIn(start, end);
      const v = rpm(foreign.between(start, end).lists, s.values);
      if (v == null) continue;
      rpms.push(v);
      if (!reached) [value, selfWindow, reached] = [v, s, stable(rpms)]; // kept once stable
    }
    const f = foreign.between(from, to);
    const goodputConfidence = confidence(rampIntervals, saturated);
    const rpmConfidence = confidence(rpms.length, reached);
    selfWindow ??= selfIn(Math.max(from, to - MAD * interval), to);

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
      rpm: value == null ? null : Math.round(value), intervalMs: interval,
      self: {
        source: selfWindow.source, trimmedMeanMs: trimmedMean(selfWindow.values),
        unavailable: selfWindow.source === 'tcp_info' ? null : self.unavailable ?? 'no load connection was open',
      },
      confidence: lower(goodputConfidence, rpmConfidence), goodputConfidence, rpmConfidence,
      multiplexed, foreign: f.summary, rampMs: from - t0, loadedMs: to - from, bytes,
    };
    result.settings = { ...idle.settings, load: direction };
    // The reference is the idle phase's (its p50s against its connections' kernel RTT). The loaded phase gets
    // none: the WebSocket's min_rtt is a floor that does not rise with a queue (docs/embedding.md, reference).
    result.reference = idle.reference;
    const outcomes = await import('./pingscope-outcomes.js').catch(() => null); // docs/outcomes.md
    result.load.rpmBand = (await outcomes?.rpmBand(result.load.rpm)) ?? null;
    result.outcomes = (await outcomes?.default(result)) ?? null;
    return saved(result);
  } finally {
    foreign.stop();
    self.stop();
    load.stop();
  }
}
