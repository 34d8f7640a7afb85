/*! pingscope-udp.js: the udp_echo probe, datagrams over WebTransport (HTTP/3). Loaded by pingscope.js only when
 * the kind runs. Wire format and loss accounting: docs/protocol.md.
 *
 * open(base, timeout, report) -> {probe(round), finish(), close(), protocols, loss} or {unavailable: why}; each probe
 * calls report(round, its send time, its RTT or null when lost), and finish() sets loss. Each datagram is 20 bytes, little-endian:
 * u32 seq, f64 performance.now() at sending, u32 nonce, u32 flags (bit 0: count request); the echo has the same bytes
 * with the last four replaced by the count of distinct seqs the server had received. So loss is known per direction:
 * up = sent - that count (asked for again at the end), down = that count - echoes received.
 */
const COUNT_REQUEST = 1;

export default async function open(base, timeout, report) {
  if (!globalThis.WebTransport) return { unavailable: 'this browser has no WebTransport' };
  if (!globalThis.isSecureContext) return { unavailable: 'udp_echo needs a secure context (an https page, or localhost)' };
  let info;
  try {
    info = await (await fetch(new URL('api/udp', base), { cache: 'no-store', credentials: 'omit' })).json();
  } catch {
    return { unavailable: `no answer from ${new URL('api/udp', base)}` };
  }
  if (!info.port) return { unavailable: info.unavailable || 'the server offers no udp_echo' };
  const url = `https://${base.hostname}:${info.port}${info.path}`;
  const hashes = (info.certificateHashes || []).map((h) => ({
    algorithm: h.algorithm, value: Uint8Array.from(atob(h.value), (c) => c.charCodeAt(0)),
  }));
  let wt;
  try {
    wt = new WebTransport(url, hashes.length ? { serverCertificateHashes: hashes } : {});
    await Promise.race([wt.ready, new Promise((_, fail) => setTimeout(() => fail(new Error('no session within 5 s')), 5000))]);
  } catch (e) {
    wt?.close?.();
    return { unavailable: `WebTransport to ${url} failed: ${e.message || e}` };
  }
  const writer = wt.datagrams.writable.getWriter(), reader = wt.datagrams.readable.getReader();
  const nonce = (Math.random() * 2 ** 32) >>> 0, waiting = new Map(), seen = new Set(), countSeqs = new Set();
  let next = 0, highest = -1, serverCount = 0, counted = false, duplicates = 0, reordered = 0, closed = false;

  (async () => {
    for (;;) {
      let read;
      try { read = await reader.read(); } catch { return; }
      if (read.done) return;
      const now = performance.now(), d = read.value;
      if (d.byteLength !== 20) continue;
      const v = new DataView(d.buffer, d.byteOffset, 20), seq = v.getUint32(0, true);
      if (v.getUint32(12, true) !== nonce) continue;
      serverCount = Math.max(serverCount, v.getUint32(16, true));
      if (countSeqs.has(seq)) { counted = true; continue; }
      if (seen.has(seq)) { duplicates++; continue; } // QUIC may send a datagram twice: never a second answer
      seen.add(seq);
      if (seq < highest) reordered++;
      highest = Math.max(highest, seq);
      waiting.get(seq)?.(now - v.getFloat64(4, true));
    }
  })();

  function send(seq, flags) {
    const b = new ArrayBuffer(20), v = new DataView(b);
    v.setUint32(0, seq, true);
    v.setFloat64(4, performance.now(), true);
    v.setUint32(12, nonce, true);
    v.setUint32(16, flags, true);
    return writer.write(new Uint8Array(b)).catch(() => {});
  }

  /** One probe: reports its RTT, or null when no echo came within the timeout (or the session ended). */
  async function probe(round) {
    const at = performance.now();
    report(round, at, closed ? null : await new Promise((resolve) => {
      const seq = next++;
      const timer = setTimeout(() => { waiting.delete(seq); resolve(null); }, timeout);
      waiting.set(seq, (rtt) => { clearTimeout(timer); waiting.delete(seq); resolve(rtt); });
      send(seq, 0);
    }));
  }

  /** Asks the server for its count a few times (each may be lost), then says where the datagrams were lost. */
  async function finish() {
    for (let i = 0; i < 5 && !closed; i++) {
      const seq = next++;
      countSeqs.add(seq);
      send(seq, COUNT_REQUEST);
      await new Promise((r) => setTimeout(r, 60));
    }
    await new Promise((r) => setTimeout(r, 250));
    const sent = next - countSeqs.size, received = seen.size;
    const server = Math.min(sent, serverCount);
    const up = sent - server, down = Math.max(0, server - received);
    session.loss = {
      sent, serverReceived: server, received, split: counted, duplicates, reordered,
      up: { lost: up, fraction: sent ? up / sent : null }, down: { lost: down, fraction: server ? down / server : null },
    };
  }

  function close() {
    closed = true;
    try { wt.close(); } catch { /* already closed */ }
  }
  wt.closed.then(() => { closed = true; }, () => { closed = true; });
  const session = { probe, finish, close, url, protocols: ['h3'] };
  return session;
}
