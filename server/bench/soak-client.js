// Holds N WebSocket clients on URL for SECONDS, each sending an echo probe every second (random phase)
// and answering the server's PINGs (the ws package does). Prints one JSON line per report to stdout:
// {t, open, dropped, sent, echoed, lost}; a probe with no echo within 5 s is lost.
// Usage: node soak-client.js ws://127.0.0.1:PORT/ws N SECONDS REPORT_SECONDS
'use strict';
const WebSocket = require('ws');

const [url, n, seconds, every] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5] || 30)];
const TIMEOUT_MS = 5000;
let open = 0, dropped = 0, failed = 0, sent = 0, echoed = 0, lost = 0, started = 0, stopping = false;
const t0 = Date.now();

function client() {
  started++;
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const pending = new Map();
  let seq = 0, timer = null;
  ws.on('open', () => {
    open++;
    if (started < n) client();
    const probe = () => {
      const id = `e${seq++}`;
      pending.set(id, Date.now());
      ws.send(id);
      sent++;
      for (const [k, at] of pending) if (Date.now() - at > TIMEOUT_MS) { pending.delete(k); lost++; }
    };
    setTimeout(() => { probe(); timer = setInterval(probe, 1000); }, Math.random() * 1000);
  });
  ws.on('message', (data) => {
    const s = data.toString();
    if (pending.delete(s)) echoed++;
  });
  ws.on('error', () => {});
  ws.on('close', () => {
    clearInterval(timer);
    if (open > 0 && !stopping) { dropped++; lost += pending.size; }
    else if (!stopping) failed++;
  });
}

for (let i = 0; i < 100; i++) client();
const report = () => console.log(JSON.stringify({ t: Math.round((Date.now() - t0) / 1000), open, dropped, failed, sent, echoed, lost }));
const reporter = setInterval(report, every * 1000);
setTimeout(() => {
  stopping = true;
  clearInterval(reporter);
  report();
  process.exit(0);
}, seconds * 1000);
