// Shared helpers of the k6 scripts. Everything targets BASE_URL, which defaults to the local
// service: these scripts are for loopback runs and for test environments you own.
import http from 'k6/http';
import { check, fail } from 'k6';

export const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
// Health and metrics are on the management port (docs/operations.md).
export const MANAGEMENT_URL = (__ENV.MANAGEMENT_URL || 'http://127.0.0.1:9000').replace(/\/$/, '');
// Writes need a bearer JWT with the role writer (docs/security.md): TOKEN=$(scripts/token.sh) k6 run ...
// Every write of these scripts sends it; reads send none.
export const AUTH_HEADERS = { headers: __ENV.TOKEN ? { Authorization: `Bearer ${__ENV.TOKEN}` } : {} };
export const JSON_HEADERS = { headers: Object.assign({ 'Content-Type': 'application/json' }, AUTH_HEADERS.headers) };

export function envInt(name, fallback) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = parseInt(raw, 10);
  if (Number.isNaN(value)) fail(`${name} must be an integer, got "${raw}"`);
  return value;
}

export function env(name, fallback) {
  const raw = __ENV[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

/** A run-unique suffix so repeated runs never collide on slugs, e-mails or boards. */
export function runId() {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/**
 * Sum of one Prometheus counter over the series whose labels contain every given "k=\"v\"" pair: 0 while the service
 * exports the counter but no such series, NaN when it does not export the counter at all or /q/metrics fails, so a
 * renamed or removed metric fails the thresholds built on it instead of reading as zero. (A fresh instance may export
 * a counter only after its first use: readings taken before any traffic treat NaN as 0.)
 */
export function scrapeCounter(name, labelPairs) {
  const res = http.get(`${MANAGEMENT_URL}/q/metrics`, { tags: { name: 'metrics' } });
  if (res.status !== 200) return NaN;
  let exported = false;
  let total = 0;
  for (const line of res.body.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    exported = true;
    if (labelPairs.every((pair) => line.includes(pair))) {
      total += parseFloat(line.substring(line.lastIndexOf(' ') + 1));
    }
  }
  return exported ? total : NaN;
}

/** Zipf(s) over ranks 1..n: a cumulative table built once, sampled by binary search. */
export function zipfSampler(n, s) {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += 1 / Math.pow(k, s);
    cdf[k - 1] = sum;
  }
  for (let i = 0; i < n; i++) cdf[i] /= sum;
  return function sample() {
    const u = Math.random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo; // 0-based rank: 0 is the hottest key
  };
}
