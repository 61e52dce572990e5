// smoke.js: one virtual user checks the service's own endpoints (readiness, metrics) once per iteration; each unit's
// units/<name>/k6/smoke.js walks that unit's API the same way. Run them all after every deploy; each fails (exit 99) on
// any threshold breach.
//
//   k6 run deploy/k6/smoke.js
//   MANAGEMENT_URL=http://127.0.0.1:19000 DURATION=1m k6 run deploy/k6/smoke.js
//
// Parameters (environment variables):
//   MANAGEMENT_URL  its management interface (health, metrics), default http://127.0.0.1:9000
//   DURATION   how long to loop, default 30s
//   VUS        virtual users, default 1
// Thresholds: no failed request, every check passes, p95 under 500 ms.
// k6-node: --duration-iterations 3
import http from 'k6/http';
import { check, group } from 'k6';
import { MANAGEMENT_URL, env, envInt } from './lib.js';

export const options = {
  vus: envInt('VUS', 1),
  duration: env('DURATION', '30s'),
  thresholds: {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    http_req_duration: ['p(95)<500'],
  },
};

export default function () {
  group('operations', () => {
    check(http.get(`${MANAGEMENT_URL}/q/health/ready`), { 'ready is 200': (r) => r.status === 200 });
    check(http.get(`${MANAGEMENT_URL}/q/metrics`), {
      'metrics has the cache layer\'s': (r) => r.status === 200 && r.body.includes('cache_redis_circuit_open'),
    });
  });
}
