// pingscope-servers.js: many servers (docs/embedding.md#servers), an ES module that pingscope.js imports only
// for measure({ server: 'auto' }) or measure({ servers: 'all' }), so that the snippet stays small. It reads the
// list from the script's own server (GET api/servers), times a few HEAD probes to every listed server at once,
// then runs the library's own measurement against the nearest (auto) or against each in turn (all).

const PROBES = 5; // selection HEADs per server: the median of five shrugs off one slow answer
const SPACING = 100; // ms between a server's selection HEADs, so that they do not queue behind each other
const GIVE_UP = 5; // rounds after the warm-up (and at least a timeout) without a sample: that server does not answer

/** Aborts when `signal` does, or after `ms`; clear() stops the timer. */
function deadline(ms, signal) {
  const controller = new AbortController(), timer = setTimeout(() => controller.abort(), ms);
  signal?.addEventListener('abort', () => controller.abort(), { once: true });
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** One entry of the list as the server gives it, its url ending with '/'; null when it is not one. */
function entry(s) {
  if (!s || typeof s.name !== 'string' || typeof s.url !== 'string') return null;
  try {
    const url = new URL(s.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    return { name: s.name, region: typeof s.region === 'string' ? s.region : null, url: url.href };
  } catch {
    return null;
  }
}

/**
 * The listed servers and the script's own server ({name: its host, region: the region it says it is in, url}).
 * A list that cannot be read counts as empty, and `problem` says why.
 */
async function readList(home, timeout, signal) {
  const own = { name: new URL(home).host, region: null, url: home };
  const url = new URL('api/servers', home), wait = deadline(timeout, signal);
  try {
    const response = await fetch(url, { cache: 'no-store', credentials: 'omit', signal: wait.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = await response.json();
    if (typeof body?.region === 'string') own.region = body.region;
    return { own, servers: (Array.isArray(body?.servers) ? body.servers : []).map(entry).filter(Boolean) };
  } catch (e) {
    return { own, servers: [], problem: `servers: could not read ${url} (${e.message}): measured the script's own server` };
  } finally {
    wait.clear();
  }
}

/**
 * Times PROBES HEADs to each server, all servers at once, as the library times http_head: Resource Timing's
 * responseStart - requestStart (the servers send Timing-Allow-Origin), performance.now() where it is zeroed,
 * minus Server-Timing's app;dur. Returns per server {name, region, url, count, lost, median, error?}.
 */
async function select(servers, o) {
  // Entries found by their unique URL; one may arrive before or after fetch resolves (kept in `early` till asked).
  const run = Math.random().toString(36).slice(2, 10), waiting = new Map(), early = new Map();
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (!e.name.includes(run)) continue;
      if (waiting.has(e.name)) waiting.get(e.name)(e);
      else early.set(e.name, e);
    }
  });
  observer.observe({ type: 'resource' });
  const entryOf = (url) => new Promise((resolve) => {
    const found = early.get(url) || performance.getEntriesByName(url, 'resource')[0];
    if (found) return resolve(found);
    waiting.set(url, resolve);
    setTimeout(() => resolve(null), 1000);
  }).finally(() => {
    waiting.delete(url);
    early.delete(url);
  });

  async function probe(server, i) {
    const url = new URL(`ping?pingscope=select-${run}-${i}`, server.url).href, wait = deadline(o.timeout, o.signal);
    const start = performance.now();
    try {
      const response = await fetch(url, { method: 'HEAD', cache: 'no-store', credentials: 'omit', signal: wait.signal });
      const elapsed = performance.now() - start;
      if (!response.ok) throw new Error(`HTTP ${response.status} from ${url.split('?')[0]}`);
      const app = +(/app;dur=([\d.]+)/.exec(response.headers.get('Server-Timing'))?.[1] || 0);
      const e = await entryOf(url);
      return (e && e.requestStart > 0 && e.responseStart > 0 ? e.responseStart - e.requestStart : elapsed) - app;
    } finally {
      wait.clear();
    }
  }

  async function timeServer(server, s) {
    const rtts = [];
    let lost = 0, error = null;
    for (let i = 0; i < PROBES && !o.signal?.aborted; i++) {
      if (i) await new Promise((r) => setTimeout(r, SPACING));
      try {
        rtts.push(await probe(server, `${s}-${i}`));
      } catch (e) {
        lost++;
        error = e.name === 'AbortError' ? `no answer within ${o.timeout} ms` : e.message;
      }
    }
    const figures = { ...server, count: rtts.length, lost, median: rtts.length ? globalThis.pingscope.stats.median(rtts) : null };
    if (!rtts.length) figures.error = `no answer to ${lost} HEAD probes: ${error || 'stopped'}`;
    return figures;
  }

  try {
    return await Promise.all(servers.map(timeServer));
  } finally {
    observer.disconnect();
  }
}

/**
 * The library's measurement against one server, given up when no sample has come by GIVE_UP rounds after the
 * warm-up. Resolves with {result} or, when the server did not answer, {result (null if the run threw), error};
 * a run the caller stopped is a result (aborted: true), whatever it holds. Options the library refuses
 * (TypeError) reject, as they would without servers.
 */
async function attempt(measure, o, server, progress) {
  const stop = new AbortController();
  if (o.signal?.aborted) stop.abort();
  o.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  let samples = 0;
  try {
    const result = await measure({
      ...o, server: server.url, servers: null, save: false, signal: stop.signal,
      onSample: (sample) => {
        samples++;
        o.onSample?.(sample);
      },
      onProgress: (p) => {
        // By then the first kept probe has had its whole timeout: a slow server is not taken for a dead one.
        const due = p.round >= o.warmup + GIVE_UP && p.elapsed >= o.warmup * o.interval + o.timeout;
        if (!samples && due && (!p.phase || p.phase === 'idle')) stop.abort();
        o.onProgress?.({ ...p, ...progress });
      },
    });
    if (o.signal?.aborted || Object.values(result.probes).some((p) => p.count)) return { result };
    return { result, error: result.errors[0] || `no sample in the first ${o.warmup + GIVE_UP} rounds` };
  } catch (e) {
    if (e instanceof TypeError) throw e; // options the library refuses: the same for every server
    return { result: null, error: e.message };
  }
}

const named = ({ name, region, url }) => ({ name, region, url });

/** Saves as the library would (on the measured server, result.server still its URL); the run stands either way. */
async function saved(result, o) {
  if (o.save) {
    result.saved = await import(new URL('pingscope-save.js', result.server)).then((m) => m.save(result), (e) => ({ error: e.message }));
  }
  return result;
}

/**
 * measure({ server: 'auto' }) and measure({ servers: 'all' }): called by pingscope.js as default(options,
 * measure), measure being the library's own.
 */
export default async function measureServers(o, measure) {
  if (o.servers && o.servers !== 'all') throw new TypeError(`pingscope: options.servers must be 'all': ${o.servers}`);
  const startedAt = Date.now(), began = performance.now();
  const { own, servers, problem } = await readList(globalThis.pingscope.home, o.timeout, o.signal);
  const errors = problem ? [problem] : [];
  const selection = servers.length ? await select(servers, o) : [];

  if (o.servers === 'all') {
    const list = servers.length ? selection : [{ ...own, count: null, lost: null, median: null }];
    const results = [];
    for (const [i, s] of list.entries()) {
      if (o.signal?.aborted) break;
      if (s.error) {
        results.push({ ...named(s), error: s.error });
        continue;
      }
      const run = await attempt(measure, { ...o, save: false }, s, { server: named(s), index: i + 1, of: list.length });
      results.push(run.error ? { ...named(s), error: run.error } : { ...named(s), result: await saved(run.result, o) });
    }
    return {
      startedAt, duration: performance.now() - began, aborted: !!o.signal?.aborted, errors, selection, servers: results,
    };
  }

  // auto: the lowest median first; a server whose run brings no sample gives way to the next, and when none
  // is left, the script's own server (which has just answered for the list) is measured.
  const ranked = selection.filter((s) => s.median != null).sort((a, b) => a.median - b.median);
  if (servers.length && !ranked.length) errors.push("servers: no listed server answered: measured the script's own server");
  let run, chosen;
  for (chosen of [...ranked, own]) {
    run = await attempt(measure, o, chosen, { server: named(chosen) });
    if (!run.error) break;
    if (chosen === own) { // not even the script's own server answered: say so in the result of its run, if any
      if (!run.result) throw new Error(`pingscope: ${own.url}: ${run.error}`);
      break;
    }
    errors.push(`servers: ${chosen.name} (${chosen.url}) did not answer the measurement: ${run.error}`);
    if (chosen === ranked.at(-1)) errors.push("servers: measured the script's own server");
  }
  const result = await saved(run.result, o);
  result.errors = [...errors, ...result.errors];
  result.server = named(chosen);
  result.selection = selection;
  result.startedAt = startedAt;
  result.duration = performance.now() - began;
  return result;
}
