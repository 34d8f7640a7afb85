/*! pingscope.js: round-trip time from this browser to a pingscope server by HTTP HEAD, WebSocket echo and
 * WebSocket PING, side by side. No dependencies. Every option and field: docs/embedding.md. Times in ms.
 *
 * LOAD  <script async src="https://HOST/pingscope.js"></script> (one global, pingscope), or
 *   import pingscope from 'https://HOST/pingscope.mjs'. Calls made before an async script loads queue on this stub:
 *   window.pingscope = window.pingscope || { q: [], measure(o) { return new Promise((y, n) => this.q.push([o, y, n])); } };
 *
 * pingscope.measure(options) -> Promise<result>. Options and their defaults: pingscope.defaults and
 * docs/embedding.md (server 'auto' by pingscope-servers.js, save by pingscope-save.js, load by pingscope-load.js).
 *
 * Each round sends one http_head and one ws_echo probe half an interval apart, on a fixed schedule (open loop).
 * Lost: no answer within timeout, a failed fetch, a non-2xx /ping, an echo while the WebSocket is down.
 *   http_head  HEAD server/ping?pingscope=<unique>: Resource Timing responseStart - requestStart minus Server-Timing
 *              app;dur (zeroed timing: performance.now() around the fetch). Records nextHopProtocol (h2, http/1.1)
 *              and whether the connection was new: then its TCP and TLS setup times.
 *   ws_echo    performance.now() at sending 'e<seq>' on a WebSocket to server/ws, to its echo's event timeStamp.
 *   ws_ping    the server's PING -> PONG time on that WebSocket, reported by the server (ping_rtt, ping_lost).
 *   udp_echo   opt-in: a WebTransport datagram's echo (pingscope-udp.js), with probes.udp_echo.loss.
 * A coarse clock: pingscope-clock.js (probes[k].clock).
 * Reconnects: a WebSocket that closes during the run is opened again, with full-jitter backoff; HEAD goes on.
 * Reports: kept RTTs but ws_ping's go to POST server/api/samples every reportInterval (see flush).
 *
 * The result ({server, duration, errors, settings, probes: {kind: {count, lost, p50, …, samples}}, comparison,
 *   reported, saved, load…}) and each sample: docs/embedding.md. pingscope.version; pingscope.stats.
 *
 * RUN WITHOUT CODE: attributes of the script tag
 *   data-auto  measure once the page has loaded; data-badge  also show the median RTT in a corner badge.
 *   data-server, data-probes="ws_echo ws_ping", data-duration, data-rounds, data-interval, data-timeout,
 *   data-warmup, data-report="false": the options above. The result is dispatched on document as the
 *   event 'pingscope:result' (event.detail).
 */
(() => {
  'use strict';
  const KINDS = ['http_head', 'ws_echo', 'ws_ping', 'udp_echo'];
  const REPORTED = ['http_head', 'ws_echo', 'udp_echo']; // ws_ping is recorded by the server itself
  const defaults = Object.freeze({
    server: null, servers: null, probes: KINDS.slice(0, 3), duration: 10000, rounds: null, interval: 200, timeout: 2000, warmup: 3,
    report: true, reportInterval: 2000, resamples: 1000, seed: null, onSample: null, onProgress: null, signal: null, save: false, load: 'none',
  });
  const DATA_OPTIONS = ['server', 'probes', 'duration', 'rounds', 'interval', 'timeout', 'warmup', 'report'];

  const doc = globalThis.document;
  // As a classic script, currentScript is this tag; as a module (or from pingscope.mjs) it is null.
  const script = doc && (doc.currentScript || doc.querySelector('script[src$="pingscope.js"]'));
  const defaultServer = script ? new URL('.', script.src).href : globalThis.location && new URL('.', location.href).href;

  // ---- statistics ----
  const sorted = (values) => Float64Array.from(values).sort();

  /** p in [0, 100] of ascending values, interpolating between closest ranks; null when empty. */
  function percentile(asc, p) {
    const n = asc.length;
    if (!n) return null;
    const pos = (n - 1) * p / 100, i = Math.floor(pos);
    return i + 1 < n ? asc[i] + (asc[i + 1] - asc[i]) * (pos - i) : asc[i];
  }
  const median = (values) => percentile(sorted(values), 50);

  function jitterMeanAbsDiff(rtts) {
    let sum = 0;
    for (let i = 1; i < rtts.length; i++) sum += Math.abs(rtts[i] - rtts[i - 1]);
    return rtts.length > 1 ? sum / (rtts.length - 1) : null;
  }

  /** RFC 3550 section 6.4.1 with RTT differences for D: J += (|D| - J) / 16, from J = 0. */
  function jitterRfc3550(rtts) {
    let j = 0;
    for (let i = 1; i < rtts.length; i++) j += (Math.abs(rtts[i] - rtts[i - 1]) - j) / 16;
    return rtts.length > 1 ? j : null;
  }

  /** Statistics of RTTs given in sending order, plus how many probes got no answer. */
  function summarize(rtts, lost = 0) {
    const n = rtts.length, asc = sorted(rtts);
    const mean = n ? rtts.reduce((a, v) => a + v, 0) / n : null;
    return {
      count: n, lost, sent: n + lost, min: n ? asc[0] : null, p50: percentile(asc, 50), p90: percentile(asc, 90),
      p99: percentile(asc, 99), max: n ? asc[n - 1] : null, mean,
      stddev: n ? Math.sqrt(rtts.reduce((a, v) => a + (v - mean) ** 2, 0) / n) : null,
      jitter: { meanAbsDiff: jitterMeanAbsDiff(rtts), rfc3550: jitterRfc3550(rtts) },
    };
  }

  /** mulberry32: a small, fast generator of uniform numbers in [0, 1), the same sequence for the same seed. */
  function random(seed) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** median(a) - median(b) and its 95 % percentile-bootstrap interval, resampling each side separately. */
  function bootstrapMedianDiff(a, b, { resamples = 1000, seed = 1 } = {}) {
    const next = random(seed), diffs = new Float64Array(resamples);
    const bufA = new Float64Array(a.length), bufB = new Float64Array(b.length);
    const resampledMedian = (from, buf) => {
      for (let i = 0; i < buf.length; i++) buf[i] = from[Math.floor(next() * from.length)];
      return percentile(buf.sort(), 50);
    };
    for (let i = 0; i < resamples; i++) diffs[i] = resampledMedian(a, bufA) - resampledMedian(b, bufB);
    diffs.sort();
    return { difference: median(a) - median(b), low: percentile(diffs, 2.5), high: percentile(diffs, 97.5) };
  }

  /** The comparison of HTTP HEAD with WebSocket echo, and its verdict in one sentence. */
  function compare(head, echo, { resamples = 1000, seed = 1 } = {}) {
    if (head.length < 5 || echo.length < 5) {
      return { difference: null, low: null, high: null, seed, verdict: 'Too few samples to compare HTTP HEAD with WebSocket echo.' };
    }
    const c = { ...bootstrapMedianDiff(head, echo, { resamples, seed }), seed };
    const ci = `95 % interval of HEAD minus echo: ${c.low.toFixed(2)} to ${c.high.toFixed(2)} ms`;
    const by = Math.abs(c.difference).toFixed(2);
    c.verdict = c.low > 0 || c.high < 0
      ? `HTTP HEAD is ${c.low > 0 ? 'slower' : 'faster'} than WebSocket echo by ${by} ms at the median (${ci}).`
      : `No clear difference between HTTP HEAD and WebSocket echo at the median (${by} ms apart; ${ci}, which includes zero).`;
    return c;
  }

  // ---- measurement ----
  async function measure(options = {}) {
    const o = { ...defaults };
    for (const k in options) if (options[k] != null) o[k] = options[k];
    if (o.server === 'auto' || o.servers) return (await import(new URL('pingscope-servers.js', globalThis.pingscope.home))).default(o, measure);
    const base = new URL(o.server || defaultServer, globalThis.location?.href);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    if (o.load !== 'none' && !o.condition) return (await import(new URL('pingscope-load.js', globalThis.pingscope.home))).default(o, measure, base);
    const kinds = KINDS.filter((k) => o.probes.includes(k));
    if (!kinds.length) throw new TypeError(`pingscope: options.probes names no known probe: ${o.probes}`);
    if (!(o.interval > 0)) throw new TypeError('pingscope: options.interval must be a positive number of ms');
    const rounds = o.rounds || Math.max(1, Math.round(o.duration / o.interval));
    const seed = o.seed ?? (Math.random() * 2 ** 32) >>> 0;
    const signal = o.signal, stopped = () => signal?.aborted;
    const abortion = new Promise((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
    const hidden = () => doc?.visibilityState === 'hidden';
    const runId = Math.random().toString(36).slice(2, 10);

    const result = {
      server: base.href, startedAt: Date.now(), duration: 0, aborted: false, errors: [],
      settings: { probes: kinds, rounds, interval: o.interval, timeout: o.timeout, warmup: o.warmup },
      instances: { http: [], ws: null, wsAll: [] }, reconnects: 0,
      precise: { crossOriginIsolated: !!globalThis.crossOriginIsolated, resourceTiming: null },
      tabHidden: hidden(), connection: null, warmup: { rounds: o.warmup, discarded: {} }, probes: {},
      comparison: null, reported: { posted: 0, beacon: 0, failed: 0 },
    };
    const samples = {}, lost = {}, pending = { http_head: [], ws_echo: [], udp_echo: [] }, posts = [];
    const headProtocols = new Set(), wsProtocols = new Set();
    for (const k of kinds) {
      samples[k] = [];
      lost[k] = 0;
      result.warmup.discarded[k] = 0;
    }
    const began = performance.now();
    let seq = 0, t0 = began, collectingPings = false, down = false, done = false;
    const roundAt = (now) => Math.floor((now - t0) / o.interval);
    const unreported = () => pending.http_head.length + pending.ws_echo.length;

    function keep(sample) {
      if (stopped()) return;
      sample.hidden = hidden();
      result.tabHidden ||= sample.hidden;
      if (sample.round < o.warmup) return void result.warmup.discarded[sample.kind]++;
      samples[sample.kind].push(sample);
      if (o.report && pending[sample.kind]) {
        pending[sample.kind].push(sample.rtt);
        if (!down && unreported() >= 500) flush(); // the server takes 1000 at most
      }
      o.onSample?.(sample);
    }
    function lose(kind, round) {
      if (stopped()) return;
      if (round < o.warmup) result.warmup.discarded[kind]++;
      else lost[kind]++;
    }

    // text/plain needs no CORS preflight; sendBeacon survives the page closing.
    function flush(beacon) {
      const batch = {};
      let n = 0;
      for (const k of REPORTED) {
        if (!pending[k].length) continue;
        batch[k] = pending[k].splice(0, 500).map((v) => Math.min(60000, Math.max(0.001, +v.toFixed(3))));
        n += batch[k].length;
      }
      if (!n) return;
      const url = new URL('api/samples', base).href, body = JSON.stringify({ samples: batch, load: o.condition });
      if (beacon && navigator.sendBeacon?.(url, body)) {
        result.reported.beacon += n;
        return flush(beacon);
      }
      posts.push(fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'text/plain' }, credentials: 'omit', keepalive: true })
        .then((r) => { if (!r.ok) throw r; result.reported.posted += n; down = false; })
        .catch((r) => {
          if (r.status < 500 && r.status !== 429) { // refused: would fail again
            result.reported.failed += n;
            return;
          }
          down = true;
          for (const k in batch) {
            const list = pending[k];
            list.push(...batch[k]);
            result.reported.failed += list.splice(0, list.length - 5000).length;
          }
        }));
    }
    const onHide = (e) => {
      if (e.type !== 'pagehide' && !hidden()) return;
      result.tabHidden = true;
      if (o.report) flush(true);
    };

    // Resource Timing entries of our probes, found by their unique URL; they may arrive after fetch resolves.
    const entries = new Map(), waiting = new Map();
    const observer = globalThis.PerformanceObserver && new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (!e.name.includes(runId)) continue;
        const resolve = waiting.get(e.name);
        if (resolve) {
          waiting.delete(e.name);
          resolve(e);
        } else entries.set(e.name, e);
      }
    });
    observer?.observe({ type: 'resource' });
    function timingEntry(url) {
      const e = entries.get(url) || performance.getEntriesByName(url, 'resource')[0];
      if (e) {
        entries.delete(url);
        return e;
      }
      return new Promise((resolve) => {
        waiting.set(url, resolve);
        setTimeout(() => { waiting.delete(url); resolve(null); }, 1000);
      });
    }

    async function probeHead(round) {
      const s = ++seq, url = new URL(`ping?pingscope=${runId}-${s}${round % Math.ceil(1000 / o.interval) ? '' : '&ref=1'}`, base).href;
      const abort = new AbortController(), timer = setTimeout(() => abort.abort(), o.timeout);
      const start = performance.now();
      let response;
      try {
        response = await fetch(url, { method: 'HEAD', cache: 'no-store', credentials: 'omit', signal: abort.signal });
      } catch {
        return lose('http_head', round);
      } finally {
        clearTimeout(timer);
      }
      const elapsed = performance.now() - start;
      if (!response.ok) {
        const problem = `HTTP ${response.status} from ${base.href}ping`;
        if (!result.errors.includes(problem)) result.errors.push(problem);
        return lose('http_head', round);
      }
      const dur = /app;dur=([\d.]+)/.exec(response.headers.get('Server-Timing')), server = dur ? +dur[1] : null;
      const instance = response.headers.get('X-Pingscope-Instance');
      if (instance && !result.instances.http.includes(instance)) result.instances.http.push(instance);
      const e = await timingEntry(url);
      const timed = e && e.requestStart > 0 && e.responseStart > 0; // zeroed without Timing-Allow-Origin
      const sample = {
        kind: 'http_head', seq: s, round, at: start - t0, rtt: (timed ? e.responseStart - e.requestStart : elapsed) - server,
        source: timed ? 'resource-timing' : 'performance.now', elapsed, server,
        protocol: e?.nextHopProtocol || null, newConnection: !!e && e.connectEnd > e.connectStart,
        kernel: /tcp.*/.exec(response.headers.get('Server-Timing'))?.[0],
      };
      if (sample.protocol) headProtocols.add(sample.protocol);
      if (sample.newConnection) {
        const tls = e.secureConnectionStart;
        sample.tcp = (tls || e.connectEnd) - e.connectStart;
        sample.tls = tls ? e.connectEnd - tls : null;
        result.connection ||= { tcp: sample.tcp, tls: sample.tls, protocol: sample.protocol, opened: 0 };
        result.connection.opened++;
      }
      keep(sample);
    }

    // One WebSocket carries the echo probes and the server's PINGs, reopened with backoff (see Reconnects above).
    const echoes = new Map(), wsUrl = new URL('ws', base);
    wsUrl.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    wsUrl.search = `ping=${Math.ceil(o.interval)}&ref=1${o.condition ? `&load=${o.condition}` : ''}`;
    let ws = null, socket = null, sockets = 0, failures = 0, openedAt = 0, retry;
    /** Resolves with the socket once its hello arrived, or null when it closed first. */
    function openSocket() {
      return new Promise((resolve) => {
        const s = new WebSocket(wsUrl), again = sockets++;
        socket = s;
        const timer = setTimeout(() => s.close(), Math.max(o.timeout, 5000)); // opening takes round trips of its own
        s.onopen = () => done && s.close();
        s.onclose = () => {
          clearTimeout(timer);
          if (ws === s) ws = null;
          if (performance.now() - openedAt > 5000) failures = 0;
          resolve(null);
          if (!done && !stopped()) retry = setTimeout(openSocket, Math.random() * Math.min(5000, 250 * 2 ** failures++));
        };
        s.onmessage = ({ data, timeStamp: t }) => {
          const now = performance.now();
          if (data[0] === 'e') return echoes.get(+data.slice(1))?.(t > 0 && t <= now ? t : now); // else 0 or epoch
          let m;
          try { m = JSON.parse(data); } catch { return; }
          if (m.type === 'hello') {
            clearTimeout(timer);
            result.instances.ws ??= m.instance;
            if (!result.instances.wsAll.includes(m.instance)) result.instances.wsAll.push(m.instance);
            wsProtocols.add(wsUrl.protocol.slice(0, -1));
            if (again) result.reconnects++;
            openedAt = now;
            ws = s;
            resolve(s);
          } else if (collectingPings && m.type === 'ping_rtt') {
            keep({ kind: 'ws_ping', seq: m.seq, round: roundAt(now), at: now - t0, rtt: m.rtt_ms, source: 'server', kernel: m.tcp });
          } else if (collectingPings && m.type === 'ping_lost') {
            lose('ws_ping', roundAt(now));
          }
        };
      });
    }

    function probeEcho(round) {
      return new Promise((finish) => {
        if (ws?.readyState !== 1) { // not connected: lost
          lose('ws_echo', round);
          return finish();
        }
        const s = ++seq, start = performance.now();
        const timer = setTimeout(() => { echoes.delete(s); lose('ws_echo', round); finish(); }, o.timeout);
        echoes.set(s, (now) => {
          clearTimeout(timer);
          echoes.delete(s);
          keep({ kind: 'ws_echo', seq: s, round, at: start - t0, rtt: now - start, source: 'performance.now' });
          finish();
        });
        ws.send(`e${s}`);
      });
    }

    let udp;
    const sleepUntil = (t) => Promise.race([abortion, new Promise((r) => setTimeout(r, t - performance.now()))]);
    const shuffled = (list) => {
      const a = [...list];
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [a[i], a[j]] = [a[j], a[i]];
      }
      return a;
    };

    doc?.addEventListener('visibilitychange', onHide);
    globalThis.addEventListener?.('pagehide', onHide);
    const reportTimer = o.report && setInterval(flush, o.reportInterval);
    try {
      if (kinds.includes('ws_echo') || kinds.includes('ws_ping')) {
        await Promise.race([openSocket(), abortion]);
        if (!ws && !stopped()) result.errors.push(`WebSocket: no connection to ${wsUrl}`);
      }
      if (kinds.includes('udp_echo')) {
        udp = await import(new URL('pingscope-udp.js', globalThis.pingscope.home)).then((m) => m.default(base, o.timeout,
          (round, at, rtt) => (rtt == null ? lose('udp_echo', round) : keep({ kind: 'udp_echo', seq: ++seq, round, at: at - t0, rtt, source: 'performance.now' }))),
        (e) => ({ unavailable: e.message }));
        if (udp.unavailable) result.errors.push(`udp_echo: ${udp.unavailable}`);
      }
      const probers = { http_head: probeHead, ws_echo: probeEcho, udp_echo: udp?.probe };
      const roundKinds = kinds.filter((k) => probers[k]), inflight = [];
      t0 = performance.now();
      collectingPings = kinds.includes('ws_ping');
      for (let r = 0; r < rounds && !stopped(); r++) {
        const order = shuffled(roundKinds), slots = Math.max(1, order.length);
        for (let i = 0; i < slots && !stopped(); i++) {
          await sleepUntil(t0 + (r + i / slots) * o.interval);
          if (order[i] && !stopped()) inflight.push(probers[order[i]](r));
        }
        o.onProgress?.({ round: r + 1, rounds, elapsed: performance.now() - t0 });
      }
      await sleepUntil(t0 + rounds * o.interval);
      collectingPings = false;
      await Promise.race([Promise.all(inflight), abortion]);
      await udp?.finish?.();
    } finally {
      udp?.close?.();
      done = true;
      result.aborted = !!stopped();
      result.duration = performance.now() - began;
      clearInterval(reportTimer);
      clearTimeout(retry);
      doc?.removeEventListener('visibilitychange', onHide);
      globalThis.removeEventListener?.('pagehide', onHide);
      observer?.disconnect();
      if (socket?.readyState === 1) socket.close(); // one still connecting closes once open
    }
    for (const k of kinds) {
      const list = samples[k].sort((a, b) => a.at - b.at);
      result.probes[k] = {
        ...summarize(list.map((s) => s.rtt), lost[k]), samples: list,
        protocols: k === 'udp_echo' ? udp.protocols || [] : [...(k === 'http_head' ? headProtocols : wsProtocols)],
      };
      if (k === 'udp_echo') result.probes[k].loss = udp.loss || { unavailable: udp.unavailable || 'not run' };
    }
    const head = samples.http_head, echo = samples.ws_echo;
    if (head?.length) result.precise.resourceTiming = head.every((s) => s.source === 'resource-timing');
    if (head && echo) result.comparison = compare(head.map((s) => s.rtt), echo.map((s) => s.rtt), { resamples: o.resamples, seed });
    await import(new URL('pingscope-clock.js', globalThis.pingscope.home)).then((m) => m.default(result, o), () => {});
    while (unreported()) flush();
    await Promise.all(posts); // so that result.reported is complete
    result.reported.failed += unreported(); // still no server: not sent
    const lazy = (f) => import(new URL(`pingscope-${f}.js`, globalThis.pingscope.home)).then((m) => m.default(result), () => null);
    if (!o.condition) [result.outcomes, result.reference] = [await lazy('outcomes'), await lazy('reference')];
    if (o.save) result.saved = await import(new URL('pingscope-save.js', base)).then((m) => m.save(result), (e) => ({ error: e.message }));
    return result;
  }

  // ---- run without code: data-* attributes of the script tag ----
  function autoRun(data) {
    const options = {};
    for (const k of DATA_OPTIONS) {
      const v = data[k];
      if (v != null) options[k] = k === 'server' ? v : k === 'probes' ? v.split(/[\s,]+/) : k === 'report' ? v !== 'false' : +v;
    }
    const badge = 'badge' in data && doc.createElement('div');
    if (badge) {
      badge.setAttribute('role', 'status');
      badge.className = 'pingscope-badge';
      badge.textContent = 'ping …';
      badge.style.cssText = 'position:fixed;right:8px;bottom:8px;z-index:2147483647;padding:4px 8px;border-radius:4px;'
        + 'font:12px/1.4 system-ui,sans-serif;background:#1f2937;color:#f9fafb';
      doc.body.append(badge);
    }
    measure(options).then((r) => {
      if (badge) {
        const kind = ['ws_ping', 'ws_echo', 'http_head'].find((k) => r.probes[k]?.count);
        badge.textContent = kind ? `ping ${r.probes[kind].p50.toFixed(1)} ms` : 'ping: no answer';
        badge.title = kind ? `median round-trip time (${kind}) measured by pingscope` : '';
      }
      doc.dispatchEvent(new CustomEvent('pingscope:result', { detail: r }));
    });
  }

  const queued = globalThis.pingscope?.q;
  globalThis.pingscope = {
    measure, defaults, version: '0.1.0', home: defaultServer,
    stats: { percentile, median, summarize, jitterMeanAbsDiff, jitterRfc3550, random, bootstrapMedianDiff, compare },
  };
  for (const [options, resolve, reject] of queued || []) measure(options).then(resolve, reject);
  if (script && ('auto' in script.dataset || 'badge' in script.dataset)) {
    // After the page's own loading, so as not to compete with it.
    if (doc.readyState === 'complete') autoRun(script.dataset);
    else globalThis.addEventListener('load', () => autoRun(script.dataset), { once: true });
  }
})();
