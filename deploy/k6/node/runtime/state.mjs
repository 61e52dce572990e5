// What one run shares between the k6 modules and the executor: the phase (init, setup, iteration, teardown), the
// current VU, iteration, scenario and group, the metric registry with every sample, and the checks.

export const METRIC_TYPES = ['counter', 'gauge', 'rate', 'trend'];

export const state = {
  phase: 'init',
  vu: 0,
  iteration: 0,
  iterationInTest: 0,
  scenario: { name: 'default', tags: {}, iterationInScenario: 0 },
  groupPath: '',
  globalTags: {},
  startedAt: Date.now(),
  metrics: new Map(),
  checks: new Map(),
  aborted: null,
};

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/;

/** Registers a metric (or returns the existing one of the same type), as k6 does for built-in and custom metrics. */
export function defineMetric(name, type, isTime = false) {
  if (!NAME.test(name)) throw new Error(`invalid metric name "${name}"`);
  const existing = state.metrics.get(name);
  if (existing) {
    if (existing.type !== type) throw new Error(`metric "${name}" already exists as a ${existing.type}`);
    return existing;
  }
  const metric = { name, type, isTime, samples: [] };
  state.metrics.set(name, metric);
  return metric;
}

for (const [name, type, isTime] of [
  ['checks', 'rate'], ['data_received', 'counter'], ['data_sent', 'counter'],
  ['group_duration', 'trend', true], ['http_req_blocked', 'trend', true], ['http_req_connecting', 'trend', true],
  ['http_req_duration', 'trend', true], ['http_req_failed', 'rate'], ['http_req_receiving', 'trend', true],
  ['http_req_sending', 'trend', true], ['http_req_tls_handshaking', 'trend', true], ['http_req_waiting', 'trend', true],
  ['http_reqs', 'counter'], ['iteration_duration', 'trend', true], ['iterations', 'counter'],
  ['dropped_iterations', 'counter'], ['vus', 'gauge'], ['vus_max', 'gauge'],
]) {
  defineMetric(name, type, isTime);
}

/** The tags every sample gets from where it was taken (k6's system tags scenario and group, and options.tags). */
export function contextTags() {
  const tags = { ...state.globalTags, ...state.scenario.tags };
  if (state.phase === 'iteration') tags.scenario = state.scenario.name;
  else if (state.phase === 'setup' || state.phase === 'teardown') tags.scenario = state.phase;
  tags.group = state.groupPath;
  return tags;
}

export function addSample(name, value, tags) {
  const metric = state.metrics.get(name);
  if (!metric) throw new Error(`no metric "${name}"`);
  metric.samples.push({ value: Number(value), tags, at: Date.now() });
}

export function recordCheck(name, ok) {
  const key = `${state.groupPath}::${name}`;
  const counts = state.checks.get(key) || { group: state.groupPath, name, passes: 0, fails: 0 };
  if (ok) counts.passes++;
  else counts.fails++;
  state.checks.set(key, counts);
}

/** Blocks the thread (k6's sleep is synchronous too). */
export function blockFor(ms) {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** k6 durations: a number of milliseconds, or "1m30s", "500ms", "2s". */
export function durationMs(value, fallback) {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'number') return value;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let matched = '';
  for (const [whole, amount, unit] of String(value).matchAll(re)) {
    total += Number(amount) * { ms: 1, s: 1000, m: 60000, h: 3600000 }[unit];
    matched += whole;
  }
  if (matched !== String(value)) throw new Error(`invalid duration "${value}"`);
  return total;
}
