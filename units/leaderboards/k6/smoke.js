// smoke.js of the leaderboards unit: record a score, read the top 10 and the player's rank. One virtual user, once per
// iteration; run it after every deploy with deploy/k6/smoke.js (the service's own endpoints). It fails (exit 99) on
// any threshold breach.
//
//   k6 run units/leaderboards/k6/smoke.js
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
