// smoke.js of the inventory unit: store stock, read it, reserve, and see an oversell refused. One virtual user, once per
// iteration; run it after every deploy with deploy/k6/smoke.js (the service's own endpoints). It fails (exit 99) on
// any threshold breach.
//
//   k6 run units/inventory/k6/smoke.js
//
// Parameters (environment variables):
//   BASE_URL   service to test, default http://127.0.0.1:8080
//   TOKEN      bearer token with the role writer for the writes (scripts/token.sh for dev mode)
//   DURATION   how long to loop, default 30s
//   VUS        virtual users, default 1
// Thresholds: no failed request, every check passes, p95 under 500 ms.
// k6-node: --duration-iterations 3
import http from 'k6/http';
import { check, group } from 'k6';
import { BASE_URL, JSON_HEADERS, env, envInt, runId } from '../../../deploy/k6/lib.js';

export const options = {
  vus: envInt('VUS', 1),
  duration: env('DURATION', '30s'),
  thresholds: {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    http_req_duration: ['p(95)<500'],
  },
};

// 404s and 409s below are expected answers, not failures.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 404, 409));

export default function () {
  const run = runId();

  group('inventory', () => {
    const sku = `SKU-SMOKE-${run}`.toUpperCase();
    check(http.put(`${BASE_URL}/inventory/${sku}`, JSON.stringify({ name: 'Smoke item', quantity: 3 }), JSON_HEADERS),
      { 'item stored': (r) => r.status === 200 && r.json('quantity') === 3 });
    check(http.get(`${BASE_URL}/inventory/${sku}`), { 'item read': (r) => r.status === 200 && r.json('quantity') === 3 });
    check(http.post(`${BASE_URL}/inventory/${sku}/reservations`, JSON.stringify({ quantity: 2 }), JSON_HEADERS),
      { 'reservation accepted': (r) => r.status === 200 && r.json('quantity') === 1 });
    check(http.post(`${BASE_URL}/inventory/${sku}/reservations`, JSON.stringify({ quantity: 2 }), JSON_HEADERS),
      { 'oversell refused (409)': (r) => r.status === 409 });
  });
}
