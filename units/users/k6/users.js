// The users unit's helpers for its k6 scripts.
import http from 'k6/http';
import { check, fail } from 'k6';
import { BASE_URL, JSON_HEADERS } from '../../../deploy/k6/lib.js';

/** Creates users through the API (in batches) and returns their ids. */
export function createUsers(count, prefix) {
  const ids = [];
  const batch = 50;
  for (let start = 0; start < count; start += batch) {
    const requests = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      requests.push(['POST', `${BASE_URL}/users`, JSON.stringify({
        name: `k6 user ${i}`,
        email: `${prefix}-${i}@k6.example.com`,
        avatarUrl: `https://img.example.com/k6/${i}.png`,
      }), JSON_HEADERS]);
    }
    for (const res of http.batch(requests)) {
      if (!check(res, { 'user created (201)': (r) => r.status === 201 })) {
        fail(`POST /users answered ${res.status}: ${res.body}`);
      }
      ids.push(res.json('id'));
    }
  }
  return ids;
}
