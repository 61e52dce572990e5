// leaderboard.js: players post scores while readers fetch the top 10 and single ranks, the mix of a
// live game. Leaderboards are Redis sorted sets kept warm by refresh-ahead, so reads must never
// wait for Postgres. Score writes go to Postgres (every score event is kept) and the sorted set.
//
//   k6 run units/leaderboards/k6/leaderboard.js
//   BOARDS=3 PLAYERS=10000 VUS=64 DURATION=2m k6 run units/leaderboards/k6/leaderboard.js
//
// Parameters (environment variables):
//   BASE_URL        service to test, default http://127.0.0.1:8080
//   TOKEN           bearer token with the role writer for the writes (scripts/token.sh for dev mode)
//   BOARDS          boards in play, default 2
//   PLAYERS         players per board, default 1000
//   SCORE_PERCENT   share of iterations that post a score, default 20; the rest read (top 10 or a rank)
//   VUS             concurrent virtual users, default 32
//   DURATION        length of the run, default 60s
// Thresholds: under 1 % failed requests; reads p95 under 25 ms and p99 under 100 ms; score
// writes p95 under 100 ms.
// k6-node: -e PLAYERS=50 --duration-iterations 100
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, JSON_HEADERS, env, envInt, runId } from '../../../deploy/k6/lib.js';

const BOARDS = envInt('BOARDS', 2);
const PLAYERS = envInt('PLAYERS', 1000);
const SCORE_PERCENT = envInt('SCORE_PERCENT', 20);

export const options = {
  scenarios: {
    game: {
      executor: 'constant-vus',
      vus: envInt('VUS', 32),
      duration: env('DURATION', '60s'),
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{kind:read}': ['p(95)<25', 'p(99)<100'],
    'http_req_duration{kind:score}': ['p(95)<100'],
    checks: ['rate>0.99'],
  },
};

// A player without a score yet is a 404 on the rank endpoint: an expected answer.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 404));

export function setup() {
  const run = runId();
  const boards = [];
  for (let b = 0; b < BOARDS; b++) {
    const board = `k6-${run}-${b}`;
    // Seed each board so the first reads have a top 10.
    for (let p = 0; p < 20; p++) {
      const res = http.post(`${BASE_URL}/leaderboards/${board}/scores`,
        JSON.stringify({ player: `p${p}`, points: 1 + p }), JSON_HEADERS);
      check(res, { 'seed score 200': (r) => r.status === 200 });
    }
    boards.push(board);
  }
  return { boards };
}

export default function (data) {
  const board = data.boards[Math.floor(Math.random() * data.boards.length)];
  const player = `p${Math.floor(Math.random() * PLAYERS)}`;
  const roll = Math.random() * 100;
  if (roll < SCORE_PERCENT) {
    const res = http.post(`${BASE_URL}/leaderboards/${board}/scores`,
      JSON.stringify({ player, points: 1 + Math.floor(Math.random() * 100) }),
      Object.assign({ tags: { kind: 'score', name: 'POST /leaderboards/{board}/scores' } }, JSON_HEADERS));
    check(res, { 'score 200 with a rank': (r) => r.status === 200 && r.json('rank') >= 1 });
  } else if (roll < SCORE_PERCENT + (100 - SCORE_PERCENT) / 2) {
    const res = http.get(`${BASE_URL}/leaderboards/${board}?limit=10`,
      { tags: { kind: 'read', name: 'GET /leaderboards/{board}' } });
    check(res, {
      'top 10 in order': (r) => {
        if (r.status !== 200) return false;
        const entries = r.json('entries');
        return entries.length <= 10 && entries.every((e, i) => i === 0 || entries[i - 1].score >= e.score);
      },
    });
  } else {
    const res = http.get(`${BASE_URL}/leaderboards/${board}/players/${player}`,
      { tags: { kind: 'read', name: 'GET /leaderboards/{board}/players/{player}' } });
    check(res, { 'rank 200 or 404': (r) => r.status === 200 || r.status === 404 });
  }
}
