// smoke.js: one virtual user walks every endpoint of the API contract once per iteration and checks
// the answers. Run it after every deploy; it fails (exit 99) on any threshold breach.
//
//   k6 run deploy/k6/smoke.js
//   BASE_URL=http://127.0.0.1:18086 DURATION=1m k6 run deploy/k6/smoke.js
//
// Parameters (environment variables):
//   BASE_URL   service to test, default http://127.0.0.1:8080
//   MANAGEMENT_URL  its management interface (health, metrics), default http://127.0.0.1:9000
//   TOKEN      bearer token with the role writer for the writes (scripts/token.sh for dev mode)
//   DURATION   how long to loop, default 30s
//   VUS        virtual users, default 1
//   AREAS      comma-separated parts of the API to walk, default users,inventory,posts,leaderboards
//              (leave out a part that your build does not have)
// Thresholds: no failed request, every check passes, p95 under 500 ms.
import http from 'k6/http';
import { check, group } from 'k6';
import { AUTH_HEADERS, BASE_URL, JSON_HEADERS, MANAGEMENT_URL, env, envInt, runId } from './lib.js';

export const options = {
  vus: envInt('VUS', 1),
  duration: env('DURATION', '30s'),
  thresholds: {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    http_req_duration: ['p(95)<500'],
  },
};

const AREAS = env('AREAS', 'users,inventory,posts,leaderboards').split(',').map((a) => a.trim());
// 404s and 409s below are expected answers, not failures.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 404, 409));

export default function () {
  const run = runId();

  group('operations', () => {
    check(http.get(`${MANAGEMENT_URL}/q/health/ready`), { 'ready is 200': (r) => r.status === 200 });
    check(http.get(`${MANAGEMENT_URL}/q/metrics`), {
      'metrics has cache_gets_total': (r) => r.status === 200 && r.body.includes('cache_gets_total'),
    });
  });

  if (AREAS.includes('users')) {
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

  if (AREAS.includes('inventory')) {
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

  if (AREAS.includes('posts')) {
    group('posts', () => {
      const slug = `smoke-${run}`;
      const author = http.post(`${BASE_URL}/users`, JSON.stringify({
        name: 'Smoke author', email: `smoke-author-${run}@k6.example.com`, avatarUrl: 'https://img.example.com/a.png',
      }), JSON_HEADERS).json('id');
      check(http.post(`${BASE_URL}/posts`, JSON.stringify({ slug, title: 'Smoke', body: 'k6 smoke post', authorId: author }), JSON_HEADERS),
        { 'post created': (r) => r.status === 201 });
      check(http.post(`${BASE_URL}/posts/${slug}/views`, null, AUTH_HEADERS), { 'view accepted (202)': (r) => r.status === 202 });
      check(http.post(`${BASE_URL}/posts/${slug}/likes`, null, AUTH_HEADERS), { 'like accepted (202)': (r) => r.status === 202 });
      check(http.get(`${BASE_URL}/posts/${slug}`), {
        'post counts include unflushed increments': (r) => r.status === 200 && r.json('views') === 1 && r.json('likes') === 1,
      });
    });
  }

  if (AREAS.includes('leaderboards')) {
    group('leaderboards', () => {
      const board = `smoke-${run}`;
      check(http.post(`${BASE_URL}/leaderboards/${board}/scores`, JSON.stringify({ player: 'alice', points: 10 }), JSON_HEADERS),
        { 'score recorded': (r) => r.status === 200 && r.json('score') === 10 });
      check(http.get(`${BASE_URL}/leaderboards/${board}?limit=10`), {
        'top 10 served': (r) => r.status === 200 && Array.isArray(r.json('entries')),
      });
      check(http.get(`${BASE_URL}/leaderboards/${board}/players/alice`), {
        'rank served': (r) => r.status === 200 && r.json('rank') === 1,
      });
    });
  }
}
