// pingscope-save.js (an ES module): saves a pingscope result on the server it measured, as docs/results.md
// describes (POST api/results), and deletes a saved one. pingscope.js loads it only for measure({ save: true }),
// so that the snippet stays small; the page imports it directly.
//   import { save, remove } from 'https://HOST/pingscope-save.js';
//   result.saved = await save(result);   // {id, url, deleteToken} or {error, status}

const KINDS = ['http_head', 'ws_echo', 'ws_ping']; // udp_echo is not stored yet (docs/design-udp-echo.md): left out
const MAX_SAMPLES = 20000; // per kind and condition, as the server accepts
const PROTOCOL = /^[A-Za-z0-9./_-]{1,32}$/;

/** RTTs in ms as the server takes them: µs precision, above 0, at most 60 s. */
const rtts = (samples) => samples.map((s) => Math.min(60000, Math.max(0.001, +s.rtt.toFixed(3))));

/** A number the server takes (finite, within [min, max]), else null. */
const bounded = (v, min, max) => (Number.isFinite(v) && v >= min && v <= max ? v : null);

/** probes[kind].clock as the server keeps it (docs/results.md); undefined (not sent) without one. */
function clock(c) {
  if (!c) return undefined;
  const step = bounded(c.step, 0, 100), errorBound = bounded(c.errorBound, 0, 60000);
  const both = step != null && errorBound != null; // the server takes a step only with its bound
  return { step: both ? step : null, isolated: !!c.isolated, quantized: !!c.quantized, errorBound: both ? errorBound : null };
}

function condition(stats, kind) {
  if (stats.samples.length > MAX_SAMPLES) throw new RangeError(`too many samples to save (${stats.samples.length}, at most ${MAX_SAMPLES} per kind)`);
  const c = { samples: rtts(stats.samples), lost: Math.min(1000000, stats.lost || 0), clock: clock(stats.clock) };
  if (kind === 'http_head' && SERVER_TIMINGS.includes(stats.serverTiming)) c.serverTiming = stats.serverTiming;
  return c;
}

const SERVER_TIMINGS = ['subtracted', 'not exposed', 'partly'];
/** The reasons the server keeps: its own short ones, a machine that cannot read TCP_INFO summed up, else none came. */
const REASONS = ['proxied', 'no kernel RTT came with these probes', 'no probe carried the kernel RTT',
  'TCP_INFO could not be read (the connection closed)', 'the server cannot read TCP_INFO', 'the server sent no kernel RTT'];
const reason = (text) => (REASONS.includes(text) ? text
  : /^(TCP_INFO is read on Linux only|libc could not be loaded|the JVM does not export)/.test(text) ? 'the server cannot read TCP_INFO'
    : 'no kernel RTT came with these probes');

/** One connection kind of result.reference, with only the figures the server keeps. */
function reading(r, kinds) {
  if (!r) return undefined;
  if (r.unavailable != null) return { unavailable: reason(r.unavailable) };
  const bias = {};
  for (const [k, d] of Object.entries(r.bias || {})) if (kinds.includes(k) && bounded(d, -60000, 60000) != null) bias[k] = d;
  return {
    figure: r.figure, rttMs: r.rttMs, samples: r.samples, srttMs: bounded(r.srttMs, 0, 60000),
    minRttMs: bounded(r.minRttMs, 0, 60000), rttvarMs: bounded(r.rttvarMs, 0, 60000), bias,
  };
}

/** result.reference as the save body carries it (the server writes the verdict again from the biases). */
function reference(ref, kinds) {
  if (!ref) return undefined;
  if (ref.unavailable != null) return { source: 'tcp_info', unavailable: reason(ref.unavailable) };
  return { source: 'tcp_info', http_head: reading(ref.http_head, kinds), ws: reading(ref.ws, kinds) };
}

/**
 * The body of POST api/results for a result of pingscope.measure. A kind's samples are its idle ones; a result
 * that measured under load as well carries them as probes[kind].loaded ({samples, lost}), saved as `loaded`.
 * Each condition carries its clock (and HEAD's serverTiming), the result its reference against the kernel.
 */
export function saveRequest(result) {
  const probes = {};
  for (const kind of KINDS) {
    const stats = result.probes[kind];
    if (!stats) continue;
    // The server requires a protocol: a WebSocket that never opened still had its scheme; a HEAD probe whose
    // browser hid nextHopProtocol, none that the page can tell.
    const scheme = new URL(result.server).protocol === 'https:' ? 'wss' : 'ws';
    const protocol = stats.protocols?.[0] ?? (kind === 'http_head' ? 'unknown' : scheme);
    const entry = { protocol: PROTOCOL.test(protocol) ? protocol : 'unknown', idle: condition(stats, kind) };
    if (stats.loaded?.samples?.length || stats.loaded?.lost) entry.loaded = condition(stats.loaded, kind);
    probes[kind] = entry;
  }
  const s = result.settings;
  return {
    source: 'browser',
    settings: { probes: s.probes.filter((k) => KINDS.includes(k)), rounds: s.rounds, interval: s.interval, timeout: s.timeout, warmup: s.warmup, load: s.load || 'none' },
    probes,
    reference: reference(result.reference, Object.keys(probes)),
  };
}

/** What went wrong, in words, from an answer other than 201: "server said 503 (storage_unavailable: …)". */
async function failure(response) {
  let detail = '';
  try {
    const body = await response.json();
    detail = [body.error, body.message].filter(Boolean).join(': ');
  } catch {
    // not JSON: the status says enough
  }
  const saved = { error: `server said ${response.status}${detail ? ` (${detail})` : ''}`, status: response.status };
  const retry = response.headers.get('Retry-After');
  if (retry) saved.retryAfter = +retry || retry;
  return saved;
}

/**
 * Saves the result on `server` (default: the result's own server). Resolves with {id, url, deleteToken}, or with
 * {error (text), status (HTTP status, absent without an answer), retryAfter (s, when the server said)}; never rejects.
 */
export async function save(result, server = result.server) {
  let body;
  try {
    body = JSON.stringify(saveRequest(result));
  } catch (e) {
    return { error: e.message };
  }
  try {
    const response = await fetch(new URL('api/results', server), {
      method: 'POST', body, credentials: 'omit', headers: { 'Content-Type': 'application/json' },
    });
    if (response.status !== 201) return failure(response);
    const { id, url, deleteToken } = await response.json();
    return { id, url, deleteToken };
  } catch (e) {
    return { error: `no answer from the server (${e.message})` };
  }
}

/**
 * Deletes a saved result ({id, url, deleteToken}) on the server that saved it. Resolves with true once it is gone
 * (also when the server no longer had it: 404), false when the server refused (403: wrong token).
 */
export async function remove(saved) {
  const response = await fetch(new URL(`../api/results/${encodeURIComponent(saved.id)}`, saved.url), {
    method: 'DELETE', credentials: 'omit', headers: { 'X-Delete-Token': saved.deleteToken },
  });
  if (response.status === 204 || response.status === 404) return true;
  if (response.status === 403) return false;
  throw new Error(`server said ${response.status}`);
}
