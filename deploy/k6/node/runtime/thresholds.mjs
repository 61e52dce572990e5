// options.thresholds (https://grafana.com/docs/k6/latest/using-k6/thresholds/): parsed and checked against the metric
// registry as k6 does before a run (an unknown metric, or an aggregation its type does not have, is an error), then
// evaluated on the samples, sub-metrics ("http_req_duration{kind:read}") on the samples carrying those tags.

const AGGREGATIONS = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p'],
};
const EXPRESSION = /^\s*(avg|min|max|med|count|rate|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*$/;

export function parseThresholds(thresholds = {}) {
  return Object.entries(thresholds).map(([key, list]) => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\{(.*)\})?$/.exec(key.trim());
    if (!m) throw new Error(`invalid threshold key "${key}"`);
    const tags = {};
    for (const pair of (m[2] || '').split(',').filter((p) => p.trim())) {
      const at = pair.indexOf(':');
      if (at < 0) throw new Error(`invalid tag selector "${pair}" in "${key}"`);
      tags[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
    }
    const expressions = (Array.isArray(list) ? list : [list]).map((entry) => {
      const source = typeof entry === 'string' ? entry : entry.threshold;
      const e = EXPRESSION.exec(source || '');
      if (!e) throw new Error(`invalid threshold "${source}" on "${key}"`);
      const method = e[2] !== undefined ? 'p' : e[1];
      return { source: source.trim(), method, percentile: e[2] !== undefined ? Number(e[2]) : null, op: e[3], value: Number(e[4]),
        abortOnFail: Boolean(entry.abortOnFail) };
    });
    return { key, metric: m[1], tags, expressions };
  });
}

/** The problems k6 would refuse to start with. */
export function validateThresholds(parsed, metrics) {
  const problems = [];
  for (const t of parsed) {
    const metric = metrics.get(t.metric);
    if (!metric) {
      problems.push(`threshold on "${t.key}": no metric "${t.metric}" (neither built in nor declared by the script)`);
      continue;
    }
    for (const e of t.expressions) {
      if (!AGGREGATIONS[metric.type].includes(e.method)) {
        problems.push(`threshold "${e.source}" on "${t.key}": a ${metric.type} has no ${e.method === 'p' ? 'p(N)' : e.method}`);
      }
    }
  }
  return problems;
}

function percentile(sorted, p) {
  if (sorted.length === 1) return sorted[0];
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export function aggregate(metric, samples, method, p, seconds) {
  const values = samples.map((s) => s.value);
  switch (method) {
    case 'count': return values.reduce((a, b) => a + b, 0);
    case 'rate':
      return metric.type === 'counter'
        ? values.reduce((a, b) => a + b, 0) / Math.max(seconds, 1e-3)
        : values.filter((v) => v !== 0).length / values.length;
    case 'value': return values[values.length - 1];
    case 'avg': return values.reduce((a, b) => a + b, 0) / values.length;
    case 'min': return Math.min(...values);
    case 'max': return Math.max(...values);
    case 'med': return percentile([...values].sort((a, b) => a - b), 50);
    case 'p': return percentile([...values].sort((a, b) => a - b), p);
    default: throw new Error(`unknown aggregation ${method}`);
  }
}

function compare(observed, op, value) {
  switch (op) {
    case '<': return observed < value;
    case '<=': return observed <= value;
    case '>': return observed > value;
    case '>=': return observed >= value;
    case '==': case '===': return observed === value;
    case '!=': return observed !== value;
    default: return false;
  }
}

/**
 * One result per expression. Stricter than k6 on purpose: a threshold whose (sub-)metric got no sample fails, so a
 * metric the script no longer feeds, or a tag no request carries any more, cannot pass unseen.
 */
export function evaluateThresholds(parsed, metrics, seconds) {
  const results = [];
  for (const t of parsed) {
    const metric = metrics.get(t.metric);
    const samples = metric.samples.filter((s) => Object.entries(t.tags).every(([k, v]) => s.tags[k] === v));
    for (const e of t.expressions) {
      const label = e.method === 'p' ? `p(${e.percentile})` : e.method;
      if (samples.length === 0) {
        results.push({ key: t.key, source: e.source, ok: false, observed: 'no samples', metric });
        continue;
      }
      const observed = aggregate(metric, samples, e.method, e.percentile, seconds);
      results.push({ key: t.key, source: e.source, ok: compare(observed, e.op, e.value), observed, label, metric,
        samples: samples.length });
    }
  }
  return results;
}
