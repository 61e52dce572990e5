// read-heavy-zipf.js: the users cache under a realistic read mix. Reads pick user ids from a Zipf
// distribution (a few hot profiles, a long tail), a small share of requests are writes (PUT), which
// invalidate and re-warm their entry. Reports the hit ratio the service saw during the run: reads served by the cache,
// from the JVM's near tier (result="near_hit") or from Redis (result="hit"), over all reads that hit or missed.
//
//   k6 run units/users/k6/read-heavy-zipf.js
//   USERS=5000 ZIPF_S=1.1 VUS=64 DURATION=2m k6 run units/users/k6/read-heavy-zipf.js
//
// Parameters (environment variables):
//   BASE_URL      service to test, default http://127.0.0.1:8080
//   MANAGEMENT_URL  where its /q/metrics is (the management port), default http://127.0.0.1:9000
//   TOKEN         bearer token with the role writer for the writes (scripts/token.sh for dev mode)
//   USERS         users created in setup and read during the run, default 1000
//   ZIPF_S        Zipf exponent (1.0 = classic; higher = hotter head), default 1.0
//   WRITE_PERCENT share of iterations that update a user instead of reading, default 2
//   VUS           concurrent virtual users, default 32
//   DURATION      length of the run, default 60s
//   MIN_HIT_RATIO threshold on the users cache hit ratio measured from /q/metrics
//                 ((near_hit + hit) / (near_hit + hit + miss) of cache_gets_total{cache="users"}), default 0.8
// Thresholds: under 1 % failed requests, p95 under 50 ms and p99 under 200 ms for reads, hit ratio.
// (k6-node, in CI: fifty users read 300 times, a hit ratio of about 0.85: a user's first read misses.)
// k6-node: -e USERS=50 --duration-iterations 300
import http from 'k6/http';
import { check } from 'k6';
import { Trend } from 'k6/metrics';
import { BASE_URL, JSON_HEADERS, env, envInt, runId, scrapeCounter, zipfSampler } from '../../../deploy/k6/lib.js';
import { createUsers } from './users.js';

const USERS = envInt('USERS', 1000);
const WRITE_PERCENT = envInt('WRITE_PERCENT', 2);
const MIN_HIT_RATIO = parseFloat(env('MIN_HIT_RATIO', '0.8'));
const hitRatio = new Trend('users_cache_hit_ratio');

export const options = {
  setupTimeout: '5m',
  scenarios: {
    reads: {
      executor: 'constant-vus',
      vus: envInt('VUS', 32),
      duration: env('DURATION', '60s'),
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{kind:read}': ['p(95)<50', 'p(99)<200'],
    users_cache_hit_ratio: [`min>=${MIN_HIT_RATIO}`],
  },
};

// Built once per VU in the init context.
const nextRank = zipfSampler(USERS, parseFloat(env('ZIPF_S', '1.0')));

// A read the cache answered: from the JVM (near tier) or from Redis.
const HITS = ['near_hit', 'hit'];

function gets(results) {
  return results.reduce((sum, result) => sum + scrapeCounter('cache_gets_total', ['cache="users"', `result="${result}"`]), 0);
}

export function setup() {
  const run = runId();
  const ids = createUsers(USERS, `zipf-${run}`);
  return { ids, run, hitsBefore: gets(HITS), missesBefore: gets(['miss']) };
}

export default function (data) {
  const id = data.ids[nextRank()];
  if (Math.random() * 100 < WRITE_PERCENT) {
    const res = http.put(`${BASE_URL}/users/${id}`, JSON.stringify({
      name: `k6 user ${id} v${Date.now()}`,
      email: `zipf-${data.run}-upd-${id}@k6.example.com`,
      avatarUrl: `https://img.example.com/k6/${id}.png`,
    }), Object.assign({ tags: { kind: 'write', name: 'PUT /users/{id}' } }, JSON_HEADERS));
    check(res, { 'update 200': (r) => r.status === 200 });
  } else {
    const res = http.get(`${BASE_URL}/users/${id}`, { tags: { kind: 'read', name: 'GET /users/{id}' } });
    check(res, { 'read 200': (r) => r.status === 200 });
  }
}

export function teardown(data) {
  // Before the first read a fresh instance may not export cache_gets_total yet (NaN, null once passed through setup).
  const hits = gets(HITS) - (data.hitsBefore || 0);
  const misses = gets(['miss']) - (data.missesBefore || 0);
  // NaN when the service does not export cache_gets_total or nothing was read: recorded as 0, below any threshold.
  const ratio = hits / (hits + misses);
  hitRatio.add(Number.isFinite(ratio) ? ratio : 0);
  console.log(`users cache during the run: ${hits} hits, ${misses} misses, hit ratio ${(ratio * 100).toFixed(1)} %`);
}
