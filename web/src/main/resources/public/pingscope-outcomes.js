// pingscope-outcomes.js: per-use verdicts (good, fair, poor for video calls, online games, streaming, browsing)
// from a run's idle and loaded figures, after the IETF Quality of Outcome draft, and the responsiveness draft's
// RPM band. An ES module that pingscope.js and pingscope-load.js import only once a run is done, so that the
// snippet stays small. The rules are data, outcomes.json beside this file, which the server's Java
// (dev.pingscope.outcome.Outcomes) evaluates the same way. Rules, sources, fields: docs/outcomes.md.

const RATINGS = ['good', 'fair', 'poor'];
const WHEN = { idle: 'on the idle line', download: 'while downloading', upload: 'while uploading', both: 'while downloading and uploading' };
const KEPT = { p50: 'half of round trips', p90: '9 in 10 round trips', p99: '99 % of round trips' };
const OVER = { p50: 'half of round trips', p90: '1 in 10 round trips', p99: '1 % of round trips' };

let table = null;

/** The rules, fetched once from outcomes.json beside this module; null when it cannot be had. */
export function rules() {
  table ||= fetch(new URL('outcomes.json', import.meta.url), { credentials: 'omit' })
    .then((r) => (r.ok ? r.json() : null)).catch(() => null);
  return table;
}

const number = (v) => typeof v === 'number' && Number.isFinite(v);

/** The value a check reads from one condition's figures: ms, or % for loss; null when it was not measured. */
function value(f, stat) {
  if (stat === 'loss') return f.count + f.lost > 0 ? (100 * f.lost) / (f.count + f.lost) : null;
  return number(f[stat]) ? f[stat] : null;
}

function reason(stat, rating, limit, when) {
  const ok = rating === 'good';
  if (stat === 'loss') return `${ok ? 'at most' : 'more than'} ${limit} % of probes got no answer ${when}`;
  if (stat === 'jitter') return `round-trip times varied by ${ok ? 'at most' : 'more than'} ${limit} ms from one to the next ${when}`;
  return ok ? `${KEPT[stat]} took at most ${limit} ms ${when}` : `${OVER[stat]} took over ${limit} ms ${when}`;
}

/** One check on one condition: its rating, the QoO score (draft-ietf-ippm-qoo 3.3.2, 0 to 100) and how near its limit it is. */
function check(c, v) {
  const grade = v <= c.good ? 0 : v > c.poor ? 2 : 1;
  const score = grade === 0 ? 100 : grade === 2 ? 0 : 100 * (1 - (v - c.good) / (c.poor - c.good));
  return { grade, score, near: v / c.good };
}

/** The worse first: higher grade, then lower score, then nearer its limit; equal ones keep their order. */
const worse = (a, b) => b.grade - a.grade || a.score - b.score || b.near - a.near;
/** A use's verdict is its worst condition; between equal grades the loaded one (QoO judges under load), then the worse. */
const before = (a, b) => b.grade - a.grade || b.loaded - a.loaded || worse(a, b);

/**
 * The verdicts of a table for figures per condition: [{condition ('idle', 'download', 'upload', 'both'), kind,
 * count, lost, p50, p90, p99, jitter}], each a number in ms or null. A condition with fewer than the table's
 * minSamples answers is not judged, nor a check whose figure is missing; a use with nothing judged is left out.
 */
export function evaluate(t, figures) {
  const out = [];
  const judged = (figures || []).filter((f) => f && number(f.count) && number(f.lost) && f.count >= t.minSamples);
  for (const u of t.uses) {
    const conditions = {};
    let decided = null;
    judged.forEach((f) => {
      const when = WHEN[f.condition] || 'under load';
      let worst = null;
      for (const c of u.checks) {
        const v = value(f, c.stat);
        if (v == null) continue;
        const r = check(c, v);
        if (!worst || worse(r, worst) < 0) worst = { ...r, c, v };
      }
      if (!worst) return;
      const rating = RATINGS[worst.grade];
      const j = {
        rating, kind: f.kind, score: Math.round(worst.score),
        reason: reason(worst.c.stat, rating, worst.grade === 2 ? worst.c.poor : worst.c.good, when),
        figure: { stat: worst.c.stat, [worst.c.stat === 'loss' ? 'percent' : 'ms']: worst.v },
      };
      conditions[f.condition] = j;
      const rank = { ...worst, loaded: f.condition !== 'idle' };
      if (!decided || before(rank, decided.rank) < 0) decided = { rank, condition: f.condition, j };
    });
    if (!decided) continue;
    const { j, condition } = decided;
    out.push({
      use: u.use, name: u.name, rating: j.rating, condition, kind: j.kind, reason: j.reason,
      sentence: `${j.rating} for ${u.name}: ${j.reason}`, figure: j.figure, score: j.score, conditions,
    });
  }
  return out;
}

/** The responsiveness draft's band (section 1.2) of an RPM: poor, fair, good or excellent; null without one. */
export function band(t, rpm) {
  if (!number(rpm)) return null;
  return t.rpmBands.find((b) => rpm >= b.from)?.band ?? null;
}

/** The figures of one condition of a kind, as pingscope.measure reports them (docs/embedding.md). */
function figuresOf(condition, kind, p) {
  return p && { condition, kind, count: p.count, lost: p.lost, p50: p.p50, p90: p.p90, p99: p.p99, jitter: p.jitter?.meanAbsDiff ?? null };
}

/** The figures a result of pingscope.measure gives, per condition: of the table's first kind measured enough in it. */
export function figures(t, result) {
  const probes = result?.probes || {};
  const pick = (of) => t.kinds.find((k) => of(probes[k])?.count >= t.minSamples);
  const out = [];
  const idle = pick((p) => p);
  if (idle) out.push(figuresOf('idle', idle, probes[idle]));
  const loaded = pick((p) => p?.loaded);
  if (loaded && result.load) out.push(figuresOf(result.load.direction, loaded, probes[loaded].loaded));
  return out;
}

/** result.outcomes for a result of pingscope.measure; null when the rules cannot be had. Never throws. */
export default async function outcomes(result) {
  try {
    const t = await rules();
    return t && evaluate(t, figures(t, result));
  } catch {
    return null;
  }
}

/** result.load.rpmBand for an RPM; null when there is none or the rules cannot be had. */
export async function rpmBand(rpm) {
  const t = await rules();
  return t && band(t, rpm);
}
