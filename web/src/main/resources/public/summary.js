// summary.js: the page's summary table, verdict and run facts, written from pingscope's numbers.

export const KIND_NAMES = { http_head: 'HTTP HEAD', ws_echo: 'WS echo', ws_ping: 'WS PING', udp_echo: 'UDP' };

const ROWS = [
  ['count', 'samples', (s) => s.count],
  ['lost', 'lost', (s) => s.lost],
  ['lost_way', 'lost up / down', (s) => lostWays(s.loss)],
  ['min', 'min', (s) => ms(s.min)],
  ['p50', 'median (p50)', (s) => ms(s.p50)],
  ['p90', 'p90', (s) => ms(s.p90)],
  ['p99', 'p99', (s) => ms(s.p99)],
  ['max', 'max', (s) => ms(s.max)],
  ['mean', 'mean', (s) => ms(s.mean)],
  ['stddev', 'std. deviation', (s) => ms(s.stddev)],
  ['jitter_mean_abs_diff', 'jitter, mean |Δ|', (s) => ms(s.jitter?.meanAbsDiff)],
  ['jitter_rfc3550', 'jitter, RFC 3550', (s) => ms(s.jitter?.rfc3550)],
  ['timing', 'timed by', (s) => timingSources(s.samples)],
  ['clock', 'clock step, p50 ±', (s) => clockNote(s.clock)],
  ['protocol', 'protocol', (s) => (s.protocols == null ? '…' : s.protocols.join(', ') || '–')],
];

const ms = (v) => (v == null ? '–' : v.toFixed(2));
const percent = (f) => (f == null ? '?' : `${(100 * f).toFixed(1)} %`);

/** udp_echo's loss per direction (client to server / server to client); '–' for the kinds TCP carries. */
function lostWays(loss) {
  if (!loss?.sent) return '–';
  return loss.split ? `${percent(loss.up.fraction)} / ${percent(loss.down.fraction)}` : `${percent(loss.up.fraction)} / ? (no count came back)`;
}

/** The step the kind's clock read in (µs below 0.1 ms) and what it leaves uncertain in p50, from pingscope-clock.js. */
function clockNote(c) {
  if (c?.step == null) return '–';
  const step = c.step >= 0.1 ? `${c.step} ms` : `${+(c.step * 1000).toFixed(1)} µs`;
  return `${step}, ±${c.errorBound.toFixed(2)}${c.quantized ? ' (coarse)' : ''}`;
}

function timingSources(samples) {
  const names = { 'resource-timing': 'Resource Timing', 'performance.now': 'performance.now()', server: 'server' };
  const used = [...new Set((samples || []).map((s) => names[s.source]))];
  return used.length ? used.join(' + ') : '–';
}

function cell(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  node.textContent = text;
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

/** The rows a saved result has (it keeps no standard deviation, jitter or timing sources). */
export const SAVED_ROWS = ['count', 'lost', 'min', 'p50', 'p90', 'p99', 'max', 'mean', 'protocol'];

/**
 * @param table the <table> to fill
 * @param probes {kind: statistics as pingscope.stats.summarize returns them, plus samples and protocols}; lost
 *        and protocols are null while a run is still going (lost is known only once every probe had its time)
 * @param only the keys of the rows to show (default: all), e.g. SAVED_ROWS
 * @param caption the table's caption
 */
export function renderSummary(table, probes, only = null, caption = 'Statistics per probe kind, in milliseconds') {
  const kinds = Object.keys(probes);
  const head = document.createElement('tr');
  head.append(cell('th', 'statistic', { scope: 'col' }), ...kinds.map((k) => cell('th', KIND_NAMES[k], { scope: 'col' })));
  const anyLoss = kinds.some((k) => probes[k].loss);
  const rows = ROWS.filter(([key]) => (!only || only.includes(key)) && (key !== 'lost_way' || anyLoss)).map(([key, label, value]) => {
    const row = document.createElement('tr');
    row.append(cell('th', label, { scope: 'row' }));
    for (const kind of kinds) {
      const stats = probes[kind];
      const text = key === 'lost' && stats.lost == null ? '…' : String(value(stats));
      row.append(cell('td', text, { 'data-kind': kind, 'data-stat': key }));
    }
    return row;
  });
  table.replaceChildren(cell('caption', caption), head, ...rows);
}

/**
 * What UDP saw that TCP hid, in one sentence: "UDP datagrams saw 5.1 % loss client to server and 3.0 % server
 * to client; over TCP the same line lost no probe, only delayed some: p99 9.1 ms (HTTP HEAD), 8.4 ms
 * (WebSocket echo)." Empty without udp_echo's loss.
 */
export function udpWords(result) {
  const loss = result.probes.udp_echo?.loss;
  if (!loss?.sent) return '';
  const lostAll = loss.sent - loss.received;
  let saw;
  if (!lostAll) saw = `UDP datagrams saw no loss (${loss.sent} of ${loss.sent} echoed)`;
  else if (loss.split) saw = `UDP datagrams saw ${percent(loss.up.fraction)} loss client to server and ${percent(loss.down.fraction)} server to client`;
  else saw = `UDP datagrams saw ${percent(lostAll / loss.sent)} loss (which way is unknown: the server's count did not come back)`;
  const tcp = ['http_head', 'ws_echo', 'ws_ping'].filter((k) => result.probes[k]?.count);
  if (!tcp.length) return `${saw}.`;
  const lost = tcp.reduce((n, k) => n + (result.probes[k].lost || 0), 0), sent = tcp.reduce((n, k) => n + (result.probes[k].sent || 0), 0);
  const p99 = tcp.map((k) => `${result.probes[k].p99.toFixed(1)} ms (${LONG_NAMES[k]})`).join(', ');
  return `${saw}; over TCP the same line ${lost ? `left ${lost} of ${sent} probes unanswered` : 'lost no probe'}, `
    + `${lost ? 'and' : 'only'} delayed some: p99 ${p99}.`;
}

export function verdictText(result) {
  const kernel = result.reference?.verdict ? ` Against the kernel: ${result.reference.verdict}` : '';
  if (!result.comparison) return `The verdict compares HTTP HEAD with WebSocket echo: measure both to get one.${kernel}`;
  return result.comparison.verdict + kernel;
}

/** Facts about the run: who answered, how precise the timers were, what was discarded. */
export function renderFacts(list, result) {
  const yesNo = (v) => (v ? 'yes' : 'no');
  const connection = result.connection;
  const facts = [
    ['Server instance', `HTTP: ${result.instances.http.join(', ') || '–'}; WebSocket: ${result.instances.wsAll.join(', ') || '–'}`],
    ['Precise timers', `cross-origin isolated: ${yesNo(result.precise.crossOriginIsolated)}; Resource Timing: `
      + (result.precise.resourceTiming == null ? '–' : yesNo(result.precise.resourceTiming))],
    ['Tab hidden during the run', result.tabHidden ? 'yes: timers were throttled, samples are marked' : 'no'],
    ['New connection cost', connection
      ? `TCP ${connection.tcp.toFixed(2)} ms` + (connection.tls == null ? '' : `, TLS ${connection.tls.toFixed(2)} ms`)
        + ` (${connection.protocol || 'unknown protocol'}, ${connection.opened} opened)`
      : 'no HEAD probe opened a new connection'],
    ['WebSocket reconnects', result.reconnects
      ? `${result.reconnects}: the connection closed or failed during the run and was opened again`
      : 'none'],
    ['Warm-up', `${result.warmup.rounds} rounds discarded (`
      + Object.entries(result.warmup.discarded).map(([k, n]) => `${KIND_NAMES[k]} ${n}`).join(', ') + ')'],
    ['Reported to the server', `${result.reported.posted + result.reported.beacon} samples`
      + (result.reported.failed ? `, ${result.reported.failed} failed` : '')],
  ];
  if (result.errors.length) facts.push(['Problems', result.errors.join('; ')]);
  list.replaceChildren(...facts.flatMap(([term, detail]) => [cell('dt', term), cell('dd', detail)]));
}

/**
 * The verdicts per use (result.outcomes, docs/outcomes.md), one line each in plain words: "Poor for video calls:
 * 1 in 10 round trips took over 300 ms while downloading." Hidden when there are none.
 */
export function renderOutcomes(list, outcomes) {
  const items = (outcomes || []).map((o) => {
    const item = cell('li', '', { 'data-use': o.use, 'data-rating': o.rating, 'data-condition': o.condition });
    const rating = cell('strong', `${o.rating[0].toUpperCase()}${o.rating.slice(1)} for ${o.name}`, { class: 'rating' });
    item.append(rating, `: ${o.reason}.`);
    return item;
  });
  list.replaceChildren(...items);
  list.hidden = !items.length;
}

/** The kind that answers "what is my ping?": WebSocket PING when measured (closest to the bare network). */
export function headlineKind(probes) {
  return ['ws_ping', 'ws_echo', 'http_head'].find((k) => probes[k]?.count) || null;
}

const WHILE = { download: 'while downloading', upload: 'while uploading', both: 'while downloading and uploading' };
const LONG_NAMES = { http_head: 'HTTP HEAD', ws_echo: 'WebSocket echo', ws_ping: 'WebSocket PING', udp_echo: 'UDP datagrams' };

function change(ms) {
  if (ms == null) return 'cannot be compared';
  if (ms >= 0.05) return `rises by ${ms.toFixed(1)} ms`;
  return ms <= -0.05 ? `does not rise (it falls by ${(-ms).toFixed(1)} ms)` : 'does not change';
}

/** One paragraph in plain words: how much the round trip rises under load, per method. */
export function loadWords(result) {
  const kind = headlineKind(result.probes), load = result.load;
  if (!load || !kind || !result.probes[kind].loaded?.count) return 'The load test measured nothing under load.';
  const lead = result.probes[kind];
  const others = Object.keys(result.probes).filter((k) => k !== kind && result.probes[k].increase?.p50 != null)
    .map((k) => `${LONG_NAMES[k]} shows ${signed(result.probes[k].increase.p50)}`);
  return `Your round-trip time ${change(lead.increase.p50)} ${WHILE[load.direction]}`
    + ` (median ${lead.p50.toFixed(1)} → ${lead.loaded.p50.toFixed(1)} ms); ${LONG_NAMES[kind]} shows it`
    + (others.length ? `, ${others.join(', ')}.` : '.');
}

const signed = (ms) => `${ms >= 0 ? '+' : '−'}${Math.abs(ms).toFixed(1)} ms`;

/** The load itself: goodput, streams, RPM and how sure it is. */
export function renderLoadFacts(list, load) {
  const foreign = load.foreign;
  const facts = [
    ['Load', `${load.direction}: ${load.goodputMbps.toFixed(1)} Mbit/s over ${load.streams} stream(s)`
      + (load.multiplexed ? ' (HTTP/2 or 3: all on one connection)' : ', one connection each')],
    ['Responsiveness', load.rpm == null ? '–' : `${load.rpm} RPM${load.rpmBand ? `, ${load.rpmBand}` : ''}`
      + ' (round trips per minute under load; higher is better; the draft\'s bands: poor below 300, fair below 1000, good below 6000, excellent)'],
    ['Confidence', `${load.confidence} (goodput ${load.goodputConfidence}, responsiveness ${load.rpmConfidence})`],
    ['Foreign probes', `${foreign.sent - foreign.lost} of ${foreign.sent} answered, ${foreign.newConnections} on a new connection`],
  ];
  list.replaceChildren(...facts.flatMap(([term, detail]) => [cell('dt', term), cell('dd', detail)]));
}

/**
 * Servers compared: per region (in the order regions first appear), per server, a row per probe kind with
 * p50, p90, p99 and loss; a server that was not measured gets one row saying why.
 * @param entries result.servers of measure({ servers: 'all' })
 */
export function renderServers(table, entries) {
  const head = document.createElement('tr');
  head.append(...['region', 'server', 'probe', 'p50', 'p90', 'p99', 'lost'].map((t) => cell('th', t, { scope: 'col' })));
  const regions = [...new Set(entries.map((e) => e.region ?? '–'))];
  const rows = [];
  for (const region of regions) {
    const here = entries.filter((e) => (e.region ?? '–') === region);
    const rowsOf = (e) => Object.entries(e.result?.probes || {});
    const span = here.reduce((n, e) => n + Math.max(1, rowsOf(e).length), 0);
    here.forEach((e, i) => {
      const kinds = rowsOf(e), first = document.createElement('tr');
      if (i === 0) first.append(cell('th', region, { scope: 'rowgroup', rowspan: span, class: 'region' }));
      first.append(cell('th', e.name, { scope: 'rowgroup', rowspan: Math.max(1, kinds.length), 'data-server': e.name }));
      if (!kinds.length) {
        first.append(cell('td', `not measured: ${e.error || 'no sample'}`, { colspan: 5, class: 'skipped', 'data-server': e.name }));
        rows.push(first);
        return;
      }
      kinds.forEach(([kind, s], j) => {
        const row = j ? document.createElement('tr') : first;
        const loss = s.sent ? `${s.lost} (${((100 * s.lost) / s.sent).toFixed(1)} %)` : '–';
        row.append(cell('th', KIND_NAMES[kind], { scope: 'row' }),
          ...[['p50', ms(s.p50)], ['p90', ms(s.p90)], ['p99', ms(s.p99)], ['lost', loss]]
            .map(([stat, text]) => cell('td', text, { 'data-server': e.name, 'data-kind': kind, 'data-stat': stat })));
        rows.push(row);
      });
    });
  }
  table.replaceChildren(cell('caption', 'Servers compared: statistics per region, server and probe kind, in milliseconds'), head, ...rows);
}

/** Why auto chose its server, in a line: "nearest: eu-1 (eu), 12.3 ms; us-1 48.0 ms, ap-1 no answer". */
export function choiceWords(result) {
  const chosen = result.server, others = (result.selection || []).filter((s) => s.url !== chosen.url)
    .map((s) => `${s.name} ${s.median == null ? 'no answer' : `${s.median.toFixed(1)} ms`}`);
  const mine = (result.selection || []).find((s) => s.url === chosen.url);
  const why = mine?.median != null ? `, ${mine.median.toFixed(1)} ms by the median of ${mine.count} HEAD probes` : '';
  const fell = result.errors.some((e) => e.startsWith('servers: ')) ? ' (the nearer ones did not answer the measurement)' : '';
  return `nearest: ${chosen.name} (${chosen.region ?? '–'})${why}${fell}${others.length ? `; ${others.join(', ')}` : ''}.`;
}
