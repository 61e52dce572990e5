#!/usr/bin/env node
// k6-node: runs a k6 script in Node against a live service, for machines without a k6 binary (CI here). The script is
// loaded unchanged with k6's modules provided by ./runtime (k6, k6/http, k6/metrics, k6/execution): `setup()`, then a
// few iterations of each scenario's function, then `teardown()`; requests are real and synchronous, checks and
// metrics are recorded, and options.thresholds are evaluated as k6 evaluates them. What differs from k6, on purpose:
//   - one VU runs every iteration in turn (the VU number and __ITER follow k6's numbering), so load and latency are
//     not k6's; a scenario given by iterations runs them all, one given by a duration runs --duration-iterations;
//   - a threshold whose metric got no sample fails (k6 lets it pass), and so does any exception in an iteration;
//   - --timing-thresholds warn reports time thresholds (http_req_duration, Trend(name, true)) without failing on
//     them (CI's shared machine makes their numbers noise; k6 on a quiet machine is the place to judge latency).
//
// Usage: node deploy/k6/node/k6.mjs run [-e KEY=VALUE]... [--duration-iterations 10] [--max-iterations 5000]
//                                        [--timing-thresholds enforce|warn] SCRIPT.js
//        node deploy/k6/node/k6.mjs inspect SCRIPT.js     (init context only: options and thresholds checked)
// Exit status as k6's: 0, 99 thresholds failed, 104 invalid options, 107 script error, 108 test.abort().
import './register.mjs';
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { addSample, contextTags, durationMs, state } from './runtime/state.mjs';
import { evaluateThresholds, parseThresholds, validateThresholds } from './runtime/thresholds.mjs';
import { AbortTest } from './runtime/execution.mjs';
import { closeHttp } from './runtime/sync-http.mjs';

const EXIT = { thresholds: 99, config: 104, script: 107, aborted: 108 };

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const args = { command, env: {}, durationIterations: 10, maxIterations: 5000, timing: 'enforce', script: null };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '-e' || a === '--env') {
      const [k, ...v] = rest[++i].split('=');
      args.env[k] = v.join('=');
    } else if (a === '--duration-iterations') args.durationIterations = Number(rest[++i]);
    else if (a === '--max-iterations') args.maxIterations = Number(rest[++i]);
    else if (a === '--timing-thresholds') args.timing = rest[++i];
    else if (!a.startsWith('-') && !args.script) args.script = a;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!['run', 'inspect'].includes(command) || !args.script || !['enforce', 'warn'].includes(args.timing)) {
    throw new Error('usage: k6.mjs run|inspect [-e K=V]... [--duration-iterations N] [--timing-thresholds enforce|warn] SCRIPT');
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const script = resolve(args.script);
const name = basename(script);
const out = (line) => process.stdout.write(`${line}\n`);
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = (...values) => out(`  console.${level}: ${format(...values)}`);
}

const baseEnv = { ...process.env, ...args.env };
globalThis.__ENV = { ...baseEnv };
globalThis.__VU = 0;
globalThis.__ITER = 0;
globalThis.open = (path) => {
  if (state.phase !== 'init') throw new Error('open() is only available in the init context');
  return readFileSync(resolve(dirname(script), path), 'utf8');
};

async function main() {
  let module;
  try {
    module = await import(pathToFileURL(script).href);
  } catch (e) {
    out(`k6-node: ${name}: does not load: ${e.stack || e}`);
    return EXIT.script;
  }
  const options = module.options || {};
  state.options = options;
  state.globalTags = options.tags || {};
  let thresholds;
  try {
    thresholds = parseThresholds(options.thresholds);
  } catch (e) {
    out(`k6-node: ${name}: ${e.message}`);
    return EXIT.config;
  }
  const scenarios = plan(options);
  const problems = validateThresholds(thresholds, state.metrics);
  for (const s of scenarios) {
    if (typeof module[s.exec] !== 'function') problems.push(`scenario ${s.name}: no exported function "${s.exec}"`);
    if (args.command === 'run' && s.iterations > args.maxIterations) {
      problems.push(`scenario ${s.name}: ${s.iterations} iterations (over --max-iterations ${args.maxIterations}: lower them with -e)`);
    }
  }
  if (problems.length) {
    problems.forEach((p) => out(`k6-node: ${name}: ${p}`));
    return EXIT.config;
  }
  if (args.command === 'inspect') {
    const described = scenarios.map((s) => `${s.name} (${s.executor}, ${s.exec})`).join(', ');
    out(`k6-node: ${name}: loads; scenarios ${described}; ${thresholds.length} thresholds on known metrics`);
    return 0;
  }
  return run(module, scenarios, thresholds);
}

function plan(options) {
  const fixed = (s) => {
    if (s.executor === 'shared-iterations') return { iterations: s.iterations ?? 1, vus: s.vus ?? 1 };
    if (s.executor === 'per-vu-iterations') return { iterations: (s.vus ?? 1) * (s.iterations ?? 1), vus: s.vus ?? 1 };
    return { iterations: args.durationIterations, vus: s.vus ?? s.preAllocatedVUs ?? s.startVUs ?? 1, byDuration: true };
  };
  if (options.scenarios && Object.keys(options.scenarios).length) {
    return Object.entries(options.scenarios)
      .map(([scenario, s]) => ({ name: scenario, executor: s.executor, exec: s.exec || 'default', env: s.env || {},
        tags: s.tags || {}, start: durationMs(s.startTime, 0), ...fixed(s) }))
      .sort((a, b) => a.start - b.start);
  }
  const executor = options.iterations ? 'shared-iterations' : options.stages ? 'ramping-vus' : 'constant-vus';
  return [{ name: 'default', executor, exec: 'default', env: {}, tags: {}, start: 0,
    ...fixed({ executor, iterations: options.iterations, vus: options.vus }) }];
}

function phase(which, fn) {
  state.phase = which;
  state.vu = 0;
  globalThis.__VU = 0;
  globalThis.__ENV = { ...baseEnv };
  state.groupPath = '';
  return fn();
}

function run(module, scenarios, thresholds) {
  const started = performance.now();
  const errors = [];
  let data;
  try {
    if (typeof module.setup === 'function') data = phase('setup', () => module.setup());
  } catch (e) {
    out(`k6-node: ${name}: setup() failed: ${e.stack || e}`);
    return EXIT.script;
  }
  const json = data === undefined ? undefined : JSON.stringify(data);
  const copies = new Map();
  const lines = [];
  for (const s of scenarios) {
    state.phase = 'iteration';
    state.scenario = { name: s.name, executor: s.executor, tags: s.tags, iterationInScenario: 0 };
    globalThis.__ENV = { ...baseEnv, ...s.env };
    const exec = module[s.exec];
    let done = 0;
    for (let i = 0; i < s.iterations && !state.aborted; i++) {
      state.vu = (i % s.vus) + 1;
      state.iteration = Math.floor(i / s.vus);
      state.scenario.iterationInScenario = i;
      state.groupPath = '';
      globalThis.__VU = state.vu;
      globalThis.__ITER = state.iteration;
      if (!copies.has(state.vu)) copies.set(state.vu, json === undefined ? undefined : JSON.parse(json));
      const t0 = performance.now();
      try {
        exec(copies.get(state.vu));
        done++;
        addSample('iterations', 1, contextTags());
        addSample('iteration_duration', performance.now() - t0, contextTags());
      } catch (e) {
        if (e instanceof AbortTest) break;
        errors.push(`${s.name} iteration ${i}: ${e.stack || e}`);
      }
      state.iterationInTest++;
    }
    lines.push(`${s.name}: ${done}/${s.iterations} iterations of ${s.exec}() (${s.executor}${s.byDuration ? ', by duration' : ''})`);
  }
  try {
    if (typeof module.teardown === 'function' && !state.aborted) phase('teardown', () => module.teardown(data));
  } catch (e) {
    errors.push(`teardown(): ${e.stack || e}`);
  }
  const seconds = (performance.now() - started) / 1000;
  return summarize(lines, thresholds, errors, seconds);
}

function show(value, metric) {
  if (typeof value !== 'number') return value;
  if (metric.isTime) return `${value.toFixed(2)} ms`;
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}

function summarize(lines, thresholds, errors, seconds) {
  const requests = state.metrics.get('http_reqs').samples.length;
  const failed = state.metrics.get('http_req_failed').samples.filter((s) => s.value === 1).length;
  out(`k6-node: ${name}: ${lines.join('; ')}; ${requests} requests (${failed} unexpected statuses) in ${seconds.toFixed(1)} s`);
  const unanswered = state.metrics.get('http_reqs').samples.filter((s) => s.tags.error);
  if (unanswered.length) {
    const first = unanswered[0].tags;
    out(`  ✗ ${unanswered.length} requests got no answer, the first: ${first.method} ${first.url}: ${first.error}`);
  }
  for (const c of state.checks.values()) {
    const where = c.group ? `${c.group.slice(2).replaceAll('::', ' > ')} > ` : '';
    out(`  ${c.fails === 0 ? '✓' : '✗'} check ${where}${c.name}: ${c.passes}/${c.passes + c.fails}`);
  }
  for (const metric of state.metrics.values()) {
    if (!metric.custom) continue;
    const values = metric.samples.map((s) => s.value);
    const shown = values.length === 0 ? 'no samples'
      : metric.type === 'counter' ? `count ${show(values.reduce((a, b) => a + b, 0), metric)}`
        : metric.type === 'rate' ? `rate ${show(values.filter((v) => v !== 0).length / values.length, metric)}`
          : metric.type === 'gauge' ? `value ${show(values[values.length - 1], metric)}`
            : `min ${show(Math.min(...values), metric)}, max ${show(Math.max(...values), metric)} (${values.length} samples)`;
    out(`  metric ${metric.name} (${metric.type}): ${shown}`);
  }
  let failures = 0;
  for (const r of evaluateThresholds(thresholds, state.metrics, seconds)) {
    const warnOnly = !r.ok && args.timing === 'warn' && r.metric.isTime;
    if (!r.ok && !warnOnly) failures++;
    const mark = r.ok ? '✓' : warnOnly ? '!' : '✗';
    const observed = typeof r.observed === 'number' ? `${r.label} = ${show(r.observed, r.metric)} over ${r.samples} samples` : r.observed;
    out(`  ${mark} threshold ${r.key}: ${r.source} (${observed})${warnOnly ? ' -- timing, reported only' : ''}`);
  }
  errors.forEach((e) => out(`  ✗ ${e.split('\n').slice(0, 3).join(' | ')}`));
  if (state.aborted) {
    out(`k6-node: ${name}: aborted by the script: ${state.aborted}`);
    return EXIT.aborted;
  }
  if (errors.length) {
    out(`k6-node: ${name}: FAILED (${errors.length} script errors)`);
    return EXIT.script;
  }
  out(`k6-node: ${name}: ${failures ? `FAILED (${failures} thresholds crossed)` : 'passed'}`);
  return failures ? EXIT.thresholds : 0;
}

let code;
try {
  code = await main();
} catch (e) {
  out(`k6-node: ${name}: ${e.stack || e}`);
  code = EXIT.script;
}
await closeHttp();
process.exit(code);
