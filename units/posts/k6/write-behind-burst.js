// write-behind-burst.js: a burst of views and likes on a few posts (POST /posts/{slug}/views|likes),
// as fast as the virtual users can send them. Write-behind accepts each increment in Redis (202)
// and flushes them to Postgres in batches, so the burst must be absorbed at Redis speed. Afterwards
// the script checks that no increment was lost: the counts that GET /posts/{slug} reports (they
// include accepted increments not yet flushed) add up to the number of increments sent.
//
//   k6 run units/posts/k6/write-behind-burst.js
//   POSTS=10 INCREMENTS=200000 VUS=128 k6 run units/posts/k6/write-behind-burst.js
//
// Parameters (environment variables):
//   BASE_URL      service to test, default http://127.0.0.1:8080
//   TOKEN         bearer token with the role writer for the writes (scripts/token.sh for dev mode)
//   POSTS         posts created in setup and hit during the burst, default 5
//   INCREMENTS    increments sent in all (views + likes), default 50000
//   VUS           concurrent virtual users, default 64
//   MAX_DURATION  give up after this long, default 2m
//   LIKE_PERCENT  share of increments that are likes rather than views, default 10
// Thresholds: every increment accepted (202), p95 under 25 ms, p99 under 100 ms, none lost.
// Watch write_behind_pending and write_behind_lag_seconds in Grafana while it runs.
// (k6-node, in CI: every iteration runs, since the script counts the increments it sent against what the posts report.)
// k6-node: -e INCREMENTS=200 -e POSTS=3
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter } from 'k6/metrics';
import { AUTH_HEADERS, BASE_URL, JSON_HEADERS, env, envInt, runId } from '../../../deploy/k6/lib.js';

const POSTS = envInt('POSTS', 5);
const INCREMENTS = envInt('INCREMENTS', 50000);
const LIKE_PERCENT = envInt('LIKE_PERCENT', 10);
const lost = new Counter('increments_lost');

export const options = {
  setupTimeout: '2m',
  scenarios: {
    burst: {
      executor: 'shared-iterations',
      vus: envInt('VUS', 64),
      iterations: INCREMENTS,
      maxDuration: env('MAX_DURATION', '2m'),
    },
  },
  thresholds: {
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
    'http_req_duration{kind:increment}': ['p(95)<25', 'p(99)<100'],
    increments_lost: ['count==0'],
  },
};

export function setup() {
  const run = runId();
  // A post names its author by id only (no user has to exist).
  const author = 1;
  const slugs = [];
  for (let i = 0; i < POSTS; i++) {
    const slug = `k6-burst-${run}-${i}`;
    const res = http.post(`${BASE_URL}/posts`, JSON.stringify({
      slug, title: `Burst ${i}`, body: 'write-behind burst target', authorId: author,
    }), JSON_HEADERS);
    check(res, { 'post created': (r) => r.status === 201 });
    slugs.push(slug);
  }
  return { slugs };
}

export default function (data) {
  const slug = data.slugs[Math.floor(Math.random() * data.slugs.length)];
  const kind = Math.random() * 100 < LIKE_PERCENT ? 'likes' : 'views';
  const res = http.post(`${BASE_URL}/posts/${slug}/${kind}`, null, Object.assign({
    tags: { kind: 'increment', name: `POST /posts/{slug}/${kind}` },
  }, AUTH_HEADERS));
  check(res, { 'increment accepted (202)': (r) => r.status === 202 });
}

export function teardown(data) {
  sleep(1);
  let reported = 0;
  for (const slug of data.slugs) {
    const res = http.get(`${BASE_URL}/posts/${slug}`);
    const counts = res.status === 200 ? [res.json('views'), res.json('likes')] : [];
    check(res, { 'post readable after the burst': () => counts.length === 2 && counts.every(Number.isInteger) });
    if (counts.length === 2 && counts.every(Number.isInteger)) reported += counts[0] + counts[1];
  }
  // Every iteration sent one increment and (per the thresholds) every one was accepted.
  lost.add(Math.max(0, INCREMENTS - reported));
  console.log(`sent ${INCREMENTS} increments, the posts report ${reported}`);
}
