// pingscope-reference.js: result.reference, each method's reading against the kernel's RTT of its own
// connection (TCP_INFO, read by the server for the probes that asked; docs/protocol.md, "The kernel's RTT as a
// reference"). An ES module that pingscope.js imports only once a run is done, so that the snippet stays small.
//   HEAD: the smoothed RTT of the HEAD connection (Server-Timing tcp_srtt on the flagged probes), or its min_rtt
//   where that connection also carries the WebSocket (tcp_shared: HTTP/2, as Firefox does it).
//   echo and PING: the WebSocket's min_rtt (its srtt is inflated by delayed ACKs of the server's own messages).

const FIGURES = /tcp_srtt;dur=([\d.]+), tcp_min;dur=([\d.]+), tcp_var;dur=([\d.]+)/;
const REASON = /tcp;desc="((?:[^"\\]|\\.)*)"/;
const SHARED = /tcp_shared;desc="websocket"/;
const NAMES = { http_head: 'HEAD', ws_echo: 'echo', ws_ping: 'PING' };

function median(values) {
  const a = [...values].sort((x, y) => x - y), n = a.length;
  return n ? (n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2) : null;
}

/** A HEAD sample's kernel (the Server-Timing entries after app;dur) as {srtt, min, var, shared} or {reason}. */
function headFigures(tcp) {
  const m = FIGURES.exec(tcp);
  if (m) return { srtt: +m[1], min: +m[2], var: +m[3], shared: SHARED.test(tcp) };
  const r = REASON.exec(tcp);
  return r ? { reason: r[1].replace(/\\(.)/g, '$1') } : null;
}

/** A ping_rtt's tcp ({srtt_ms, min_rtt_ms, rttvar_ms} or {unavailable}) in the same form. */
function wsFigures(tcp) {
  if (!tcp) return null;
  if (tcp.unavailable) return { reason: tcp.unavailable };
  return { srtt: tcp.srtt_ms, min: tcp.min_rtt_ms, var: tcp.rttvar_ms };
}

/** One connection kind's reference: the median of the chosen figure over the run, or why there is none. */
function connection(list, figure, methods, probes) {
  const read = list.filter((f) => f && f.reason == null);
  if (!read.length) {
    const reason = list.find((f) => f?.reason)?.reason;
    return reason || list.length ? { unavailable: reason || 'no kernel RTT came with these probes' } : null;
  }
  const rtt = median(read.map((f) => f[figure]));
  const bias = {};
  for (const k of methods) if (probes[k]?.count) bias[k] = probes[k].p50 - rtt;
  return {
    figure, rttMs: rtt, samples: read.length, srttMs: median(read.map((f) => f.srtt)),
    minRttMs: Math.min(...read.map((f) => f.min)), rttvarMs: median(read.map((f) => f.var)), bias,
  };
}

const ms = (v) => `${Math.abs(v).toFixed(1)} ms`;

/**
 * result.reference of a run: {source: 'tcp_info', http_head, ws, verdict}, each connection kind {figure, rttMs,
 * samples, srttMs, minRttMs, rttvarMs, bias: {kind: p50 minus rttMs}} or {unavailable: reason}; or
 * {unavailable: reason} when neither kind had figures (behind a trusted proxy: 'proxied').
 */
export default function reference(result) {
  const probes = result.probes, samples = (k) => probes[k]?.samples || [];
  const headRead = samples('http_head').filter((s) => s.kernel).map((s) => headFigures(s.kernel));
  const shared = headRead.some((f) => f?.shared); // the WebSocket's delayed ACKs are in this srtt too
  const head = probes.http_head && connection(headRead, shared ? 'min' : 'srtt', ['http_head'], probes);
  const ws = (probes.ws_ping || probes.ws_echo) && connection(samples('ws_ping').filter((s) => s.kernel).map((s) => wsFigures(s.kernel)),
    'min', ['ws_echo', 'ws_ping'], probes);
  const kinds = [head, ws].filter(Boolean);
  if (!kinds.some((c) => c.rttMs != null)) {
    return { unavailable: kinds.find((c) => c.unavailable)?.unavailable || 'no probe carried the kernel RTT' };
  }
  const readings = Object.entries({ ...head?.bias, ...ws?.bias });
  const words = readings.map(([k, d], i) => `${NAMES[k]} ${i ? '' : 'reads '}${ms(d)} ${d < 0 ? 'below' : 'above'}`
    + (i ? '' : " the kernel's RTT of its own connection"));
  const closest = readings.reduce((a, b) => (Math.abs(b[1]) < Math.abs(a[1]) ? b : a));
  const verdict = words.join(', ') + (readings.length > 1 ? `: ${NAMES[closest[0]]} is the closest.` : '.');
  return { source: 'tcp_info', http_head: head || undefined, ws: ws || undefined, verdict };
}
