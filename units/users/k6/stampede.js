// stampede.js: many virtual users ask for the same cold key at the same moment (a cache stampede).
// The service must answer all of them while loading the row from Postgres only about once
// (single-flight in the instance, a distributed lock across instances). The number of database
// loads during the run is read from cache_loads_total on /q/metrics.
//
//   k6 run units/users/k6/stampede.js
//   VUS=500 ROUNDS=5 MAX_LOADS_PER_ROUND=2 k6 run units/users/k6/stampede.js
//
// Parameters (environment variables):
//   BASE_URL             service to test, default http://127.0.0.1:8080
//   MANAGEMENT_URL       where its /q/metrics is (the management port), default http://127.0.0.1:9000
//   TOKEN                bearer token with the role writer for the writes (scripts/token.sh for dev mode)
//   VUS                  concurrent virtual users per round, default 200
//   ROUNDS               cold keys hit one after another (a fresh user per round), default 3
//   MAX_LOADS_PER_ROUND  allowed database loads per cold key, default 2 (1 + a possible lock-wait
//                        time-out); other traffic on the same service adds to the count
// Thresholds: no failed request (503 from the load limiter counts as failed), database loads.
// k6-node: -e VUS=4
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import { BASE_URL, envInt, runId, scrapeCounter } from '../../../deploy/k6/lib.js';
import { createUsers } from './users.js';

const VUS = envInt('VUS', 200);
const ROUNDS = envInt('ROUNDS', 3);
const MAX_LOADS = envInt('MAX_LOADS_PER_ROUND', 2) * ROUNDS;
const dbLoads = new Counter('users_db_loads');

// One scenario per round; each starts once the previous one is over, every VU fires one request at once.
const scenarios = {};
for (let round = 0; round < ROUNDS; round++) {
  scenarios[`round_${round}`] = {
    executor: 'per-vu-iterations',
    vus: VUS,
    iterations: 1,
    startTime: `${round * 5}s`,
    maxDuration: '5s',
    env: { ROUND: String(round) },
  };
}

export const options = {
  scenarios,
  thresholds: {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    users_db_loads: [`count<=${MAX_LOADS}`],
  },
};

function loads() {
  return scrapeCounter('cache_loads_total', ['cache="users"']);
}

export function setup() {
  // Created users are not cached (creation only clears a possible "absent" marker): each key is cold.
  const ids = createUsers(ROUNDS, `stampede-${runId()}`);
  return { ids, loadsBefore: loads() };
}

export default function (data) {
  const id = data.ids[parseInt(__ENV.ROUND, 10)];
  const res = http.get(`${BASE_URL}/users/${id}`, { tags: { name: 'GET /users/{id} (cold)' } });
  check(res, { 'every caller gets the user': (r) => r.status === 200 && r.json('id') === id });
}

export function teardown(data) {
  // Before the first load a fresh instance may not export cache_loads_total yet (NaN, null once passed through setup).
  const count = loads() - (data.loadsBefore || 0);
  check(count, { 'cache_loads_total is exported': (c) => Number.isFinite(c) });
  dbLoads.add(Number.isFinite(count) ? count : 0);
  console.log(`${ROUNDS} cold keys x ${VUS} concurrent readers: ${count} database loads`);
}
