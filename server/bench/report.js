// Turns the raw results of run.sh into the table printed on the terminal, docs/benchmarks.md and a chart.
// Usage: node report.js RESULTS_DIR OUT.md OUT.svg
'use strict';
const fs = require('fs');
const path = require('path');

const [dir, outMd, outSvg] = process.argv.slice(2);
const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
const json = (f) => JSON.parse(read(f));
const machine = Object.fromEntries(read('machine.txt').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

const wrkRps = (name) => Number(/Requests\/sec:\s+([\d.]+)/.exec(read(`head-throughput-${name}.txt`))[1]);
const probeKind = (file, kind) => json(file).kinds[kind];
const fmt = (v, d = 3) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : Number(v).toFixed(d));
const int = (v) => Math.round(v).toLocaleString('en-US');

const rows = [];
// valid false: the figures do not measure the servers (the prober fell behind its rate), so no verdict.
function target(figure, compared, ps, other, unit, better, digits, limit = 1.0, valid = true) {
  const ratio = ps / other;
  const met = !valid ? null : better === 'higher' ? ratio >= limit : ratio <= limit;
  rows.push({ figure, compared, ps, other, unit, ratio, target: `${better === 'higher' ? 'at least' : 'at most'} ${limit.toFixed(1)}x`, met, digits });
}

target('HEAD probes/s on one core (wrk, 64 conns)', 'nginx, 1 worker', wrkRps('pingscope'), wrkRps('nginx'), '/s', 'higher', 0);
target('HEAD probes/s in the first 5 s after start', 'pingscope, warm', wrkRps('first5s-pingscope'), wrkRps('pingscope'), '/s', 'higher', 0, 0.8);
const h10 = { ps: probeKind('head-10000-pingscope.json', 'http_head'), ng: probeKind('head-10000-nginx.json', 'http_head') };
// An open-loop percentile measures the server only while the prober keeps its schedule: when more than a
// tenth of the probes left over 1 ms late, the latency is the prober's backlog.
const onSchedule = (...kinds) => kinds.every((k) => k.sent_late <= 0.1 * (k.answered + k.lost));
target('HEAD p99 at 10,000/s', 'nginx', h10.ps.corrected.p99_ms, h10.ng.corrected.p99_ms, 'ms', 'lower', 3, 1.0, onSchedule(h10.ps, h10.ng));
target('HEAD p99.9 at 10,000/s', 'nginx', h10.ps.corrected.p99_9_ms, h10.ng.corrected.p99_9_ms, 'ms', 'lower', 3, 1.0, onSchedule(h10.ps, h10.ng));
const et = { ps: probeKind('echo-throughput-pingscope.json', 'ws_echo'), ws: probeKind('echo-throughput-nodews.json', 'ws_echo') };
const etSeconds = { ps: json('echo-throughput-pingscope.json').elapsed_s, ws: json('echo-throughput-nodews.json').elapsed_s };
target('echo messages/s on one core (64 conns)', 'node ws', et.ps.answered / etSeconds.ps, et.ws.answered / etSeconds.ws, '/s', 'higher', 0);
const e10 = { ps: probeKind('echo-10000-pingscope.json', 'ws_echo'), ws: probeKind('echo-10000-nodews.json', 'ws_echo') };
target('echo p99 at 10,000/s', 'node ws', e10.ps.corrected.p99_ms, e10.ws.corrected.p99_ms, 'ms', 'lower', 3, 1.0, onSchedule(e10.ps, e10.ws));
target('echo p99.9 at 10,000/s', 'node ws', e10.ps.corrected.p99_9_ms, e10.ws.corrected.p99_9_ms, 'ms', 'lower', 3, 1.0, onSchedule(e10.ps, e10.ws));

const hold = {};
for (const name of ['pingscope', 'nodews']) {
  const mem = json(`hold-memory-${name}.json`);
  const client = json(`hold-client-${name}.json`);
  hold[name] = {
    opened: client.opened, failed: client.failed, dropped: client.dropped,
    rssPerConn: ((mem.rss_held_kb - mem.rss_before_kb) * 1024) / client.opened,
    heapPerConn: ((mem.heap_held_kb - mem.heap_before_kb) * 1024) / client.opened,
    mem,
  };
}
const psStats = json('hold-pings-pingscope.json').series.find((s) => s.kind === 'ws_ping' && s.source === 'server').total;
hold.pingscope.pingP99 = psStats.p99_ms;
hold.pingscope.pings = psStats.count;
const lostLine = fs.existsSync(path.join(dir, 'hold-lost-pingscope.txt')) ? read('hold-lost-pingscope.txt').trim() : '';
hold.pingscope.pingsLost = lostLine ? Number(lostLine.split(' ').pop()) : null;
const wsPings = json('hold-pings-nodews.json');
hold.nodews.pingP99 = wsPings.p99_ms;
hold.nodews.pings = wsPings.count;
hold.nodews.pingsLost = wsPings.lost;
target(`memory per idle WebSocket at ${int(hold.pingscope.opened)} (RSS)`, 'node ws', hold.pingscope.rssPerConn, hold.nodews.rssPerConn, 'bytes', 'lower', 0);
// What holding costs a visitor (server/bench/hold-cost.sh, both servers started afresh): one more connection
// echoes VISITOR_RATE times a second during a steady window of the hold; every figure is of that window.
const cost = { ps: json('hold-cost-pingscope.json'), ws: json('hold-cost-nodews.json') };
const heldK = int(cost.ps.held);
target(`visitor's echo p99 while ${heldK} are held`, 'node ws', cost.ps.visitor_echo.p99_ms, cost.ws.visitor_echo.p99_ms, 'ms', 'lower', 2, 1.2);
target(`ws_ping p99 while ${heldK} are held`, 'node ws', cost.ps.ws_ping.p99_ms, cost.ws.ws_ping.p99_ms, 'ms', 'lower', 2, 1.2);
rows.push({ figure: `CPU per held connection PINGed once a second (${heldK} held)`, compared: 'node ws', ps: cost.ps.cpu_us_per_conn_per_s,
  other: cost.ws.cpu_us_per_conn_per_s, unit: 'µs/s', ratio: cost.ps.cpu_us_per_conn_per_s / cost.ws.cpu_us_per_conn_per_s,
  target: 'at most 15 µs/s', met: cost.ps.cpu_us_per_conn_per_s <= 15, digits: 1 });
rows.push({ figure: `the server's longest pause while ${heldK} are held (hiccup recorder)`, compared: '', ps: cost.ps.pauses.maxMs, other: null,
  unit: 'ms', ratio: null, target: 'at most 2 ms', met: cost.ps.pauses.maxMs <= 2, digits: 2 });
rows.push({ figure: `longest GC pause while ${heldK} are held (GC log)`, compared: '', ps: cost.ps.gc_max_ms, other: null,
  unit: 'ms', ratio: null, target: 'at most 2 ms', met: cost.ps.gc_max_ms <= 2, digits: 2 });
const lost = hold.pingscope.dropped + (hold.pingscope.opened < Number(machine.hold_connections) ? Number(machine.hold_connections) - hold.pingscope.opened : 0);
rows.push({ figure: `connections lost in the ${int(Number(machine.hold_connections))}-connection hold`, compared: '', ps: lost, other: hold.nodews.dropped, unit: '', ratio: null, target: '0', met: lost === 0, digits: 0 });

const table = [
  '| figure | compared with | pingscope | other | ratio | target | met |',
  '|---|---|---:|---:|---:|---|---|',
  ...rows.map((r) => `| ${r.figure} | ${r.compared} | ${fmt(r.ps, r.digits)} ${r.unit} | ${fmt(r.other, r.digits)} ${r.unit} | ${r.ratio === null ? '' : fmt(r.ratio, 2) + 'x'} | ${r.target} | ${r.met === null ? 'not valid: the prober fell behind its rate' : r.met ? 'yes' : '**no**'} |`),
];

const pct = ['p50_ms', 'p99_ms', 'p99_9_ms', 'max_ms'];
const detail = ['| load | server | answered | lost | p50 ms | p99 ms | p99.9 ms | max ms | raw p99 ms | raw max ms | sent late |', '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
for (const rate of [1000, 10000]) {
  for (const [load, kind, servers] of [['HEAD', 'http_head', [['pingscope', 'head'], ['nginx', 'head']]], ['echo', 'ws_echo', [['pingscope', 'echo'], ['nodews', 'echo']]]]) {
    for (const [server, prefix] of servers) {
      const k = probeKind(`${prefix}-${rate}-${server}.json`, kind);
      detail.push(`| ${load} at ${int(rate)}/s | ${server === 'nodews' ? 'node ws' : server} | ${int(k.answered)} | ${k.lost} | ${pct.map((p) => fmt(k.corrected[p])).join(' | ')} | ${fmt(k.raw.p99_ms)} | ${fmt(k.raw.max_ms)} | ${k.sent_late} |`);
    }
  }
}

const holdTable = [
  '| server | opened | failed | dropped while held | RSS before | RSS held | RSS per conn | heap per conn | ws_ping count | ws_ping lost | ws_ping p99 ms |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...['pingscope', 'nodews'].map((n) => {
    const h = hold[n];
    return `| ${n === 'nodews' ? 'node ws' : n} | ${int(h.opened)} | ${h.failed} | ${h.dropped} | ${int(h.mem.rss_before_kb / 1024)} MiB | ${int(h.mem.rss_held_kb / 1024)} MiB | ${int(h.rssPerConn)} B | ${int(h.heapPerConn)} B | ${int(h.pings)} | ${h.pingsLost ?? 'n/a'} | ${fmt(h.pingP99)} |`;
  }),
];

// The chart: each target figure as pingscope / other, with the 1.0x line.
function chart(rowsToDraw) {
  const charted = rowsToDraw.filter((r) => r.ratio !== null);
  const W = 900, rowH = 34, left = 430, scaleMax = Math.max(2, ...charted.map((r) => Math.min(r.ratio, 10)));
  const x = (v) => left + (Math.min(v, scaleMax) / scaleMax) * (W - left - 60);
  const bars = charted.map((r, i) => {
    const y = 30 + i * rowH;
    const color = r.met === null ? '#999999' : r.met ? '#2a9d4b' : '#c0392b';
    const goal = r.target.startsWith('at least') ? 'target ≥ 1.0x' : 'target ≤ 1.0x';
    return `<text x="${left - 8}" y="${y + 17}" text-anchor="end" font-size="13">${r.figure.replace(/&/g, '&amp;')} (${goal})</text>`
      + `<rect x="${left}" y="${y + 4}" width="${x(r.ratio) - left}" height="18" fill="${color}"/>`
      + `<text x="${x(r.ratio) + 6}" y="${y + 18}" font-size="13">${fmt(r.ratio, 2)}x</text>`;
  }).join('\n');
  const H = 50 + charted.length * rowH;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="18" font-size="14" font-weight="bold">pingscope / other server (green: target met)</text>
${bars}
<line x1="${x(1)}" y1="26" x2="${x(1)}" y2="${H - 10}" stroke="#333" stroke-dasharray="4 3"/>
<text x="${x(1) + 3}" y="${H - 12}" font-size="12">1.0x</text>
</svg>
`;
}
const svg = chart(rows);

const md = `# Benchmarks

pingscope's probe endpoints are the instrument: whatever delay they add, they add to every sample. This
page compares them with the servers people would otherwise use, measured side by side in one run of
\`server/bench/run.sh\`. Each server ran pinned to one core, the load generator on the other.
pingscope got 10 s of unmeasured load first, so that its JIT has compiled the probe paths (nginx and
node need no such warm-up; node's JIT warms within the first measured seconds).

Run on ${machine.date}: ${machine.cpu}, ${machine.cores} cores, ${machine.memory}, ${machine.os}, kernel ${machine.kernel}.
pingscope on ${machine.java} with \`${machine.jvm_opts}\`; nginx ${machine.nginx}; node ${machine.node} with ws ${machine.ws}; ${machine.wrk}.
Machines here are shared: throughput moved by a few percent between runs, but tail figures (p99, p99.9,
max) moved by a factor of two or more for every server; read ratios near 1.0 as ties.

## Targets

${table.join('\n')}

![pingscope against nginx and node ws](benchmarks.svg)

Where pingscope misses a target, [performance.md](performance.md) shows where the time and the memory go
and what was tried.

## Latency at fixed open-loop rates

\`pingscope probe\` with 16 connections, each carrying one probe at a time, for ${machine.rate_seconds} s after
100 warm-up probes per connection. Latency is corrected for coordinated omission (from each probe's
intended send time); "raw" is from the actual send time; "sent late" counts probes the generator sent
more than 1 ms after their intended time.

${detail.join('\n')}

## What holding ${heldK} connections costs a visitor

\`server/bench/hold-cost.sh\`, each server started afresh: ${heldK} connections held (each PINGed once a second
by its server) and, over a steady window of ${fmt(cost.ps.window_s, 0)} s, one more connection sending an echo probe
${int(cost.ps.visitor_echo.answered / cost.ps.window_s)} times a second (\`pingscope probe\`, corrected for coordinated omission).
CPU is the server's user and system time in the window, per held connection; ws_ping is the server's own
PINGs over the ${fmt(cost.ps.ping_window_s, 0)} s just before the window (the holding client, niced so that the visitor's prober keeps its
schedule, answers PINGs late while the prober runs); pauses are pingscope's hiccup recorder (\`/api/pauses\`) and its GC log.

| server | CPU per held conn | visitor echo p50 ms | p99 ms | max ms | raw p99 ms | lost | ws_ping count | ws_ping p99 ms | ws_ping max ms | hiccup max ms | GC max ms |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${[['pingscope', cost.ps], ['node ws', cost.ws]].map(([n, c]) => `| ${n} | ${fmt(c.cpu_us_per_conn_per_s, 1)} µs/s | ${fmt(c.visitor_echo.p50_ms)} | ${fmt(c.visitor_echo.p99_ms)} | ${fmt(c.visitor_echo.max_ms)} | ${fmt(c.visitor_echo.raw_p99_ms)} | ${c.visitor_echo.lost} | ${int(c.ws_ping.count)} | ${fmt(c.ws_ping.p99_ms)} | ${fmt(c.ws_ping.max_ms)} | ${c.pauses ? fmt(c.pauses.maxMs, 2) : 'n/a'} | ${c.gc_max_ms === null ? 'n/a' : fmt(c.gc_max_ms, 2)} |`).join('\n')}

## ${int(Number(machine.hold_connections))} WebSocket connections held for ${machine.hold_seconds} s

Opened by a node \`ws\` client (200 at a time), each server PINGing every connection every second.
Memory per connection is the growth of the server's RSS (and of its heap after a full GC) from before
the connections to the middle of the hold, divided by the connections opened. ws_ping here covers the
whole hold, the opening of the connections included (the window's figure is in the section above).

${holdTable.join('\n')}

## How to run

\`\`\`
server/bench/run.sh
\`\`\`

It builds pingscope, starts it, Debian's nginx (\`server/bench/nginx.conf\`) and an echo server on node's
\`ws\` package (\`server/bench/ws-echo-server.js\`, installed with npm into a temporary folder), runs the
loads above against each, prints the table and rewrites this page. It needs java, node and npm, nginx,
wrk and taskset, and takes about 14 minutes. \`./mvnw verify\` does not run it.
`;

// The soak (server/bench/soak.sh), the prober comparison (server/bench/prober-compare.sh), the goodput
// comparison (server/bench/goodput.sh) and the saved results' benchmark (server/bench/results-bench.sh)
// live in the same page, each between its markers: keep them when rewriting the rest.
const previous = fs.existsSync(outMd) ? fs.readFileSync(outMd, 'utf8') : '';
const kept = ['prober-compare', 'goodput', 'results-bench', 'soak', 'before-after']
  .map((name) => new RegExp(`<!-- ${name}:start[\\s\\S]*<!-- ${name}:end -->`).exec(previous))
  .filter(Boolean)
  .map((match) => match[0]);
fs.writeFileSync(outMd, [md.trimEnd(), ...kept].join('\n\n') + '\n');
fs.writeFileSync(outSvg, svg);
console.log(table.join('\n'));
console.log('\n' + detail.join('\n'));
console.log('\n' + holdTable.join('\n'));
