// The node side of the benchmark: an echo server on the `ws` package, with server PINGs every second
// per connection (like pingscope's), timed from PING to PONG. GET /mem answers memory after a GC.
// Usage: node --expose-gc ws-echo-server.js PORT
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2]);
const pingRtts = [];
let pingsLost = 0;

const server = http.createServer((req, res) => {
  if (req.url === '/mem') {
    global.gc();
    const m = process.memoryUsage();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers }));
  } else if (req.url === '/pings') {
    const sorted = Float64Array.from(pingRtts).sort();
    const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ count: sorted.length, lost: pingsLost, p50_ms: at(50), p99_ms: at(99), max_ms: at(100) }));
    pingRtts.length = 0;
    pingsLost = 0;
  } else {
    res.writeHead(404);
    res.end();
  }
});

const wss = new WebSocketServer({ server, path: '/ws', maxPayload: 1024 });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  let outstanding = null;
  ws.on('pong', (payload) => {
    if (outstanding !== null && payload.length === 8 && payload.readBigUInt64BE(0) === outstanding) {
      pingRtts.push(Number(process.hrtime.bigint() - outstanding) / 1e6);
      outstanding = null;
    }
  });
  const timer = setInterval(() => {
    if (outstanding !== null) pingsLost++;
    outstanding = process.hrtime.bigint();
    const payload = Buffer.alloc(8);
    payload.writeBigUInt64BE(outstanding, 0);
    ws.ping(payload);
  }, 1000);
  timer.unref();
  ws.on('close', () => clearInterval(timer));
});
server.listen(port, '127.0.0.1');
