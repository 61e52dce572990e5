// smoke.js of the posts unit: create a post, a view and a like, and read them back before they are flushed. One virtual user, once per
// iteration; run it after every deploy with deploy/k6/smoke.js (the service's own endpoints). It fails (exit 99) on
// any threshold breach.
//
//   k6 run units/posts/k6/smoke.js
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

  group('posts', () => {
    const slug = `smoke-${run}`;
    const author = 1; // a post names its author by id only
    check(http.post(`${BASE_URL}/posts`, JSON.stringify({ slug, title: 'Smoke', body: 'k6 smoke post', authorId: author }), JSON_HEADERS),
      { 'post created': (r) => r.status === 201 });
    check(http.post(`${BASE_URL}/posts/${slug}/views`, null, AUTH_HEADERS), { 'view accepted (202)': (r) => r.status === 202 });
    check(http.post(`${BASE_URL}/posts/${slug}/likes`, null, AUTH_HEADERS), { 'like accepted (202)': (r) => r.status === 202 });
    check(http.get(`${BASE_URL}/posts/${slug}`), {
      'post counts include unflushed increments': (r) => r.status === 200 && r.json('views') === 1 && r.json('likes') === 1,
    });
  });
}
