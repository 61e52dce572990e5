// Tests of k6-node (node --test deploy/k6/node; deploy/validate.sh runs them): scripts run against a small HTTP server
// of the test's own, and what k6 semantics the executor must keep (exit statuses, checks, thresholds, tags, setup data,
// synchronous requests), plus the Zipf sampler of ../lib.js.
import './register.mjs';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregate, evaluateThresholds, parseThresholds, validateThresholds } from './runtime/thresholds.mjs';

const executor = new URL('./k6.mjs', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'k6-node-test-'));
let server;
let base;

before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const json = (status, value, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(value));
      };
      if (req.url === '/things' && req.method === 'POST') {
        if (req.headers.authorization !== 'Bearer secret') return json(401, { title: 'Unauthorized' });
        return json(201, { id: 7, echo: body }, { location: '/things/7' });
      }
      if (req.url.startsWith('/slow')) return setTimeout(() => json(200, { slow: true }), 30);
      if (req.url === '/list') return json(200, { items: [{ name: 'a' }, { name: 'b' }] });
      if (req.url === '/redirect') { res.writeHead(302, { location: '/list' }); return res.end(); }
      return json(404, { title: 'Not Found' });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => {
  server.close();
  rmSync(work, { recursive: true, force: true });
});

function run(source, ...extra) {
  const file = join(work, `script-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(file, source);
  return new Promise((resolve) => {
    execFile(process.execPath, [executor, 'run', '-e', `BASE_URL=${base}`, ...extra, file], (error, stdout) => {
      resolve({ code: error ? error.code : 0, stdout });
    });
  });
}

const WRITE = `
import http from 'k6/http';
import { check } from 'k6';
export const options = { vus: 2, duration: '10s', thresholds: { checks: ['rate==1'], http_req_failed: ['rate==0'] } };
export default function () {
  const headers = __ENV.TOKEN ? { Authorization: 'Bearer ' + __ENV.TOKEN } : {};
  const res = http.post(__ENV.BASE_URL + '/things', '{"a":1}', { headers });
  check(res, { 'created': (r) => r.status === 201 && r.json('id') === 7 && r.headers['Location'] === '/things/7' });
}`;

test('a write without its token fails the run (99); with it, the run passes', async () => {
  const without = await run(WRITE, '--duration-iterations', '3');
  assert.equal(without.code, 99, without.stdout);
  assert.match(without.stdout, /✗ check created: 0\/3/);
  assert.match(without.stdout, /✗ threshold http_req_failed: rate==0 \(rate = 1 over 3 samples\)/);
  const withToken = await run(WRITE, '--duration-iterations', '3', '-e', 'TOKEN=secret');
  assert.equal(withToken.code, 0, withToken.stdout);
  assert.match(withToken.stdout, /✓ check created: 3\/3/);
});

test('a threshold on a metric that does not exist is refused before the run (104)', async () => {
  const result = await run(`
    import http from 'k6/http';
    export const options = { thresholds: { users_cache_hit_ratio: ['min>=0.8'] } };
    export default function () { http.get(__ENV.BASE_URL + '/list'); }`);
  assert.equal(result.code, 104, result.stdout);
  assert.match(result.stdout, /no metric "users_cache_hit_ratio"/);
});

test('an aggregation the metric type lacks is refused (104)', async () => {
  const result = await run(`
    export const options = { thresholds: { http_req_duration: ['count<10'] } };
    export default function () {}`);
  assert.equal(result.code, 104, result.stdout);
});

test('a declared metric that gets no sample fails its threshold, which k6 would let pass', async () => {
  const result = await run(`
    import { Counter } from 'k6/metrics';
    const lost = new Counter('lost');
    export const options = { thresholds: { lost: ['count==0'] } };
    export default function () {}`, '--duration-iterations', '1');
  assert.equal(result.code, 99, result.stdout);
  assert.match(result.stdout, /✗ threshold lost: count==0 \(no samples\)/);
});

test('setup data, VU numbering, scenario env, tags, batch, redirects, expected statuses and custom metrics', async () => {
  const result = await run(`
    import http from 'k6/http';
    import { check, group } from 'k6';
    import { Counter, Trend } from 'k6/metrics';
    import exec from 'k6/execution';
    const seen = new Counter('seen');
    const sizes = new Trend('sizes');
    http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 404));
    export const options = {
      scenarios: {
        first: { executor: 'per-vu-iterations', vus: 2, iterations: 2, env: { WHICH: 'first' } },
        second: { executor: 'shared-iterations', iterations: 3, exec: 'other', startTime: '5s', tags: { kind: 'x' } },
      },
      thresholds: {
        seen: ['count==4'], sizes: ['max<3', 'p(50)>=2'], checks: ['rate==1'], http_req_failed: ['rate==0'],
        'http_req_duration{kind:x}': ['max<5000'], 'http_reqs{scenario:second}': ['count==6'],
      },
    };
    export function setup() { return { token: 'secret', list: http.get(__ENV.BASE_URL + '/list').json('items.#') }; }
    export default function (data) {
      seen.add(1);
      check(__VU, { 'VUs 1 and 2': (vu) => vu === 1 || vu === 2, 'env': () => __ENV.WHICH === 'first' });
      check(data, { 'setup data': (d) => d.list === 2 && d.token === 'secret' });
      group('g', () => check(exec.scenario.name, { 'scenario name': (n) => n === 'first' }));
    }
    export function other() {
      const [missing, list] = http.batch([['GET', __ENV.BASE_URL + '/nope'], { method: 'GET', url: __ENV.BASE_URL + '/redirect' }]);
      sizes.add(list.json('items').length);
      check(missing, { '404 expected': (r) => r.status === 404 });
      check(list, { 'redirect followed': (r) => r.json('items.1.name') === 'b' && __ENV.WHICH === undefined });
    }`);
  assert.equal(result.code, 0, result.stdout);
  assert.match(result.stdout, /first: 4\/4 iterations of default\(\) \(per-vu-iterations\)/);
  assert.match(result.stdout, /second: 3\/3 iterations of other\(\) \(shared-iterations\)/);
  assert.match(result.stdout, /✓ check g > scenario name: 4\/4/);
  assert.match(result.stdout, /✓ threshold http_reqs\{scenario:second\}: count==6 \(count = 6 over 6 samples\)/);
});

test('requests are synchronous and timed, and timing thresholds can be reported without failing', async () => {
  const script = `
    import http from 'k6/http';
    import { check } from 'k6';
    export const options = { vus: 1, duration: '1s', thresholds: { http_req_duration: ['p(95)<1'], checks: ['rate==1'] } };
    export default function () {
      const before = Date.now();
      const res = http.get(__ENV.BASE_URL + '/slow');
      check(res, { 'answered before returning': (r) => r.json('slow') === true && Date.now() - before >= 25 && r.timings.duration >= 25 });
    }`;
  const enforced = await run(script, '--duration-iterations', '2');
  assert.equal(enforced.code, 99, enforced.stdout);
  assert.match(enforced.stdout, /✓ check answered before returning: 2\/2/);
  const reported = await run(script, '--duration-iterations', '2', '--timing-thresholds', 'warn');
  assert.equal(reported.code, 0, reported.stdout);
  assert.match(reported.stdout, /! threshold http_req_duration: p\(95\)<1 .* timing, reported only/);
});

test('a request in the init context, or an exception in an iteration, is a script error (107)', async () => {
  const init = await run(`import http from 'k6/http'; http.get(__ENV.BASE_URL + '/list'); export default function () {}`);
  assert.equal(init.code, 107, init.stdout);
  assert.match(init.stdout, /init context/);
  const thrown = await run(`export default function () { throw new Error('boom'); }`, '--duration-iterations', '1');
  assert.equal(thrown.code, 107, thrown.stdout);
});

test('an unreachable service is reported with the request and the error', async () => {
  const result = await run(`
    import http from 'k6/http';
    export const options = { thresholds: { http_req_failed: ['rate<0.5'] } };
    export default function () { http.get('http://127.0.0.1:1/'); }`, '--duration-iterations', '1');
  assert.equal(result.code, 99, result.stdout);
  assert.match(result.stdout, /1 requests got no answer, the first: GET http:\/\/127\.0\.0\.1:1\/: connect ECONNREFUSED/);
});

test('threshold expressions: parsing, types, percentiles', () => {
  const parsed = parseThresholds({ 'http_req_duration{kind:read}': ['p(99.9)<200', { threshold: 'avg<=5', abortOnFail: true }] });
  assert.deepEqual(parsed[0].tags, { kind: 'read' });
  assert.equal(parsed[0].expressions[0].percentile, 99.9);
  assert.throws(() => parseThresholds({ checks: ['rate=1'] }), /invalid threshold/);
  const metrics = new Map([['http_req_duration', { type: 'trend', isTime: true, samples: [1, 2, 3, 4].map((v) => ({ value: v, tags: { kind: 'read' } })) }]]);
  assert.deepEqual(validateThresholds(parsed, metrics), []);
  const trend = metrics.get('http_req_duration');
  assert.equal(aggregate(trend, trend.samples, 'p', 50), 2.5);
  assert.equal(aggregate(trend, trend.samples, 'med'), 2.5);
  assert.ok(Math.abs(aggregate(trend, trend.samples, 'p', 95) - 3.85) < 1e-9);
  const results = evaluateThresholds(parsed, metrics, 1);
  assert.deepEqual(results.map((r) => r.ok), [true, true]);
});

test('lib.js zipfSampler: rank 0 of 100 with s=1 has probability 1/H(100) = 0.193', async () => {
  globalThis.__ENV = {};
  const { zipfSampler } = await import('../lib.js');
  const sample = zipfSampler(100, 1.0);
  const counts = new Array(100).fill(0);
  for (let i = 0; i < 100000; i++) counts[sample()]++;
  assert.ok(Math.abs(counts[0] / 100000 - 0.193) < 0.01, `rank 0 share ${counts[0] / 100000}`);
  assert.ok(counts.every((c) => c <= counts[0]));
});
