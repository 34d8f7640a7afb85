// Opens N WebSocket connections to URL, holds them for SECONDS (the `ws` client answers server PINGs by
// itself), and prints JSON: how many opened, how many closed or failed while held.
// Usage: node ws-hold-client.js ws://127.0.0.1:PORT/ws N SECONDS
'use strict';
const WebSocket = require('ws');

const [url, n, seconds] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const CONCURRENT_OPENS = 200;
let opened = 0, failed = 0, dropped = 0, started = 0, holding = false;
const sockets = [];

function openOne() {
  if (started >= n) return;
  started++;
  const ws = new WebSocket(url, { perMessageDeflate: false });
  sockets.push(ws);
  ws.on('open', () => { opened++; openOne(); });
  ws.on('error', () => {});
  ws.on('close', () => {
    if (holding) dropped++; else if (ws.readyState !== WebSocket.OPEN) failed++;
    if (!holding) openOne();
  });
}

const t0 = Date.now();
for (let i = 0; i < CONCURRENT_OPENS; i++) openOne();
const waitOpen = setInterval(() => {
  if (opened + failed >= n || Date.now() - t0 > 120000) {
    clearInterval(waitOpen);
    holding = true;
    const openSeconds = (Date.now() - t0) / 1000;
    process.stderr.write(`held ${opened} connections (opened in ${openSeconds.toFixed(1)} s); holding ${seconds} s\n`);
    setTimeout(() => {
      holding = false;
      console.log(JSON.stringify({ requested: n, opened, failed, dropped, open_seconds: openSeconds }));
      for (const ws of sockets) ws.terminate();
      setTimeout(() => process.exit(0), 500);
    }, seconds * 1000);
  }
}, 100);
