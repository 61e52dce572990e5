// smoke.js of the users unit: create, read (twice: the second from the cache), read several, update, delete, read the deletion. One virtual user, once per
// iteration; run it after every deploy with deploy/k6/smoke.js (the service's own endpoints). It fails (exit 99) on
// any threshold breach.
//
//   k6 run units/users/k6/smoke.js
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
import { AUTH_HEADERS, BASE_URL, JSON_HEADERS, env, envInt, runId } from '../../../deploy/k6/lib.js';

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

  group('users', () => {
    const created = http.post(`${BASE_URL}/users`, JSON.stringify({
      name: 'Smoke', email: `smoke-${run}@k6.example.com`, avatarUrl: 'https://img.example.com/s.png',
    }), JSON_HEADERS);
    check(created, { 'user created': (r) => r.status === 201 && r.headers['Location'] !== undefined });
    const id = created.json('id');
    check(http.get(`${BASE_URL}/users/${id}`), { 'user read': (r) => r.status === 200 && r.json('name') === 'Smoke' });
    check(http.get(`${BASE_URL}/users/${id}`), { 'user read again (cached)': (r) => r.status === 200 });
    check(http.get(`${BASE_URL}/users?ids=${id},${id}`), { 'users by ids': (r) => r.status === 200 && r.json('#') === 1 });
    check(http.put(`${BASE_URL}/users/${id}`, JSON.stringify({
      name: 'Smoke 2', email: `smoke-${run}@k6.example.com`, avatarUrl: 'https://img.example.com/s.png',
    }), JSON_HEADERS), { 'user updated': (r) => r.status === 200 && r.json('name') === 'Smoke 2' });
    check(http.del(`${BASE_URL}/users/${id}`, null, AUTH_HEADERS), { 'user deleted': (r) => r.status === 204 });
    check(http.get(`${BASE_URL}/users/${id}`), { 'deleted user is 404': (r) => r.status === 404 });
  });
}
