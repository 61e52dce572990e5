// The k6/http module (https://grafana.com/docs/k6/latest/javascript-api/k6-http/): real, synchronous requests
// (./sync-http.mjs) that return k6's Response and record k6's HTTP metrics with its tags.
import { addSample, contextTags, durationMs, state } from './state.mjs';
import { sendAll } from './sync-http.mjs';

const EXPECTED = Symbol('expectedStatuses');
const DEFAULT_CALLBACK = expectedStatuses({ min: 200, max: 399 });
let responseCallback = DEFAULT_CALLBACK;

export function expectedStatuses(...statuses) {
  for (const s of statuses) {
    const valid = Number.isInteger(s) || (s && Number.isInteger(s.min) && Number.isInteger(s.max));
    if (!valid) throw new Error(`expectedStatuses: ${JSON.stringify(s)} is neither a status nor {min, max}`);
  }
  return { [EXPECTED]: statuses };
}

export function setResponseCallback(callback) {
  if (callback !== null && !(callback && callback[EXPECTED])) {
    throw new Error('setResponseCallback takes http.expectedStatuses(...) or null');
  }
  responseCallback = callback;
}

function expected(callback, status) {
  return callback[EXPECTED].some((s) => (Number.isInteger(s) ? s === status : s.min <= status && status <= s.max));
}

// k6 canonicalises header names the way Go does: content-type -> Content-Type.
function canonical(name) {
  return name.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase()).join('-');
}

/** gjson-style selectors, the subset scripts use: "a.b", "items.0.name", "#" and "items.#" (array lengths). */
function select(value, selector) {
  let current = value;
  for (const part of String(selector).split('.')) {
    if (current === undefined || current === null) return undefined;
    if (part === '#' && Array.isArray(current)) current = current.length;
    else if (Array.isArray(current) && /^\d+$/.test(part)) current = current[Number(part)];
    else if (typeof current === 'object') current = Object.hasOwn(current, part) ? current[part] : undefined;
    else return undefined;
  }
  return current;
}

class Response {
  constructor(raw, request) {
    this.status = raw.status;
    this.status_text = raw.status ? `${raw.status} ${raw.statusText}` : '';
    this.proto = raw.proto;
    this.url = raw.url;
    this.body = raw.body;
    this.error = raw.error || '';
    this.error_code = raw.errorCode || 0;
    this.headers = {};
    for (const [name, value] of Object.entries(raw.headers)) {
      this.headers[canonical(name)] = Array.isArray(value) ? value.join(', ') : value;
    }
    const t = raw.timings;
    this.timings = { ...t, duration: t.sending + t.waiting + t.receiving };
    this.request = request;
  }

  json(selector) {
    if (this.body === null || this.body === undefined) throw new Error('the response has no body');
    if (selector === undefined) return JSON.parse(this.body);
    let parsed;
    try {
      parsed = JSON.parse(this.body);
    } catch {
      return undefined;
    }
    return select(parsed, selector);
  }
}

function encode(body, headers) {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (typeof body === 'object') {
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    return new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString();
  }
  return String(body);
}

function prepare(method, url, body, params = {}) {
  if (state.phase === 'init') throw new Error('Making http requests in the init context is not supported');
  const headers = { 'User-Agent': 'k6-node (deploy/k6/node)', ...(params.headers || {}) };
  return {
    method: method.toUpperCase(),
    url: String(url),
    headers,
    body: encode(body, headers),
    timeoutMs: durationMs(params.timeout, 60000),
    maxRedirects: params.redirects ?? state.options?.maxRedirects ?? 10,
    params,
  };
}

function record(raw, request) {
  const { params } = request;
  const response = new Response(raw, { method: request.method, url: request.url, headers: request.headers, body: request.body });
  const callback = params.responseCallback !== undefined ? params.responseCallback : responseCallback;
  const tags = {
    ...contextTags(),
    method: request.method,
    url: request.url,
    name: request.url,
    status: String(raw.status),
    proto: raw.proto,
    ...(raw.error ? { error: raw.error, error_code: String(raw.errorCode) } : {}),
    ...(params.tags || {}),
  };
  if (callback) tags.expected_response = String(expected(callback, raw.status));
  const t = response.timings;
  addSample('http_reqs', 1, tags);
  addSample('http_req_duration', t.duration, tags);
  addSample('http_req_blocked', t.blocked, tags);
  addSample('http_req_connecting', t.connecting, tags);
  addSample('http_req_tls_handshaking', 0, tags);
  addSample('http_req_sending', t.sending, tags);
  addSample('http_req_waiting', t.waiting, tags);
  addSample('http_req_receiving', t.receiving, tags);
  addSample('data_sent', raw.bytesSent, tags);
  addSample('data_received', raw.bytesReceived, tags);
  if (callback) addSample('http_req_failed', expected(callback, raw.status) ? 0 : 1, tags);
  if (raw.error && params.throw) throw new Error(`${request.method} ${request.url}: ${raw.error}`);
  return response;
}

export function request(method, url, body, params) {
  const prepared = prepare(method, url, body, params);
  return record(sendAll([prepared])[0], prepared);
}

export const get = (url, params) => request('GET', url, null, params);
export const head = (url, params) => request('HEAD', url, null, params);
export const options = (url, body, params) => request('OPTIONS', url, body, params);
export const post = (url, body, params) => request('POST', url, body, params);
export const put = (url, body, params) => request('PUT', url, body, params);
export const patch = (url, body, params) => request('PATCH', url, body, params);
export const del = (url, body, params) => request('DELETE', url, body, params);

/** Sends every request at once (as k6 does, in parallel) and returns the responses in the same shape. */
export function batch(requests) {
  const entries = Array.isArray(requests) ? requests.map((r, i) => [i, r]) : Object.entries(requests);
  const prepared = entries.map(([, r]) => {
    if (typeof r === 'string') return prepare('GET', r, null, {});
    if (Array.isArray(r)) return prepare(r[0], r[1], r[2], r[3] || {});
    return prepare(r.method || 'GET', r.url, r.body, r.params || {});
  });
  const raws = sendAll(prepared);
  const responses = raws.map((raw, i) => record(raw, prepared[i]));
  if (Array.isArray(requests)) return responses;
  return Object.fromEntries(entries.map(([key], i) => [key, responses[i]]));
}

export default {
  request, get, head, options, post, put, patch, del, batch, expectedStatuses, setResponseCallback,
};
