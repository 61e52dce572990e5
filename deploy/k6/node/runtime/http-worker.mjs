// The HTTP side of ./sync-http.mjs: performs a batch of requests with Node's http/https clients (keep-alive, like a
// k6 VU's connections), measures k6's timings, follows redirects, and hands the results back, then wakes the waiter.
import http from 'node:http';
import https from 'node:https';
import { workerData } from 'node:worker_threads';

const { flag, port } = workerData;
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

port.on('message', async (requests) => {
  let reply;
  try {
    reply = { results: await Promise.all(requests.map((request) => follow(request))) };
  } catch (e) {
    reply = { error: String(e && e.stack ? e.stack : e) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});

async function follow(request) {
  let current = request;
  for (let hop = 0; ; hop++) {
    const result = await once(current);
    const location = result.headers.location;
    if (!location || ![301, 302, 303, 307, 308].includes(result.status) || hop >= request.maxRedirects) return result;
    const method = result.status === 303 || ((result.status === 301 || result.status === 302) && current.method === 'POST')
      ? 'GET' : current.method;
    current = { ...current, method, url: new URL(location, current.url).href, body: method === 'GET' ? null : current.body };
  }
}

// k6's error codes for what can go wrong below HTTP (https://grafana.com/docs/k6/latest/javascript-api/error-codes/).
function errorCode(error) {
  switch (error.code) {
    case 'ENOTFOUND': case 'EAI_AGAIN': return 1101;
    case 'ECONNREFUSED': return 1212;
    case 'ECONNRESET': case 'EPIPE': return 1220;
    case 'TIMEOUT': return 1050;
    default: return 1000;
  }
}

function once(request) {
  return new Promise((resolve) => {
    const url = new URL(request.url);
    const body = request.body === null || request.body === undefined ? null : Buffer.from(request.body);
    const headers = { ...request.headers };
    if (body && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['Content-Length'] = body.length;
    const t = { start: performance.now() };
    let settled = false;
    const done = (result) => { if (!settled) { settled = true; resolve(result); } };
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, { method: request.method, headers, agent: agents[url.protocol] });
    req.setTimeout(request.timeoutMs, () => req.destroy(Object.assign(new Error('request timeout'), { code: 'TIMEOUT' })));
    req.on('socket', (socket) => {
      t.socket = performance.now();
      if (req.reusedSocket || !socket.connecting) t.connected = t.socket;
      else socket.once('connect', () => { t.connected = performance.now(); });
    });
    req.on('finish', () => { t.sent = performance.now(); });
    req.on('response', (res) => {
      t.firstByte = performance.now();
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('error', (error) => done(failure(request, error, t)));
      res.on('end', () => {
        const end = performance.now();
        const bodyBytes = Buffer.concat(chunks);
        const sent = t.sent ?? t.firstByte;
        const connected = t.connected ?? t.socket ?? t.start;
        done({
          url: request.url,
          status: res.statusCode,
          statusText: res.statusMessage,
          proto: `HTTP/${res.httpVersion}`,
          headers: res.headers,
          body: bodyBytes.toString('utf8'),
          bytesReceived: bodyBytes.length,
          bytesSent: body ? body.length : 0,
          timings: {
            blocked: (t.socket ?? t.start) - t.start,
            connecting: connected - (t.socket ?? t.start),
            tls_handshaking: 0,
            sending: Math.max(0, sent - connected),
            waiting: t.firstByte - sent,
            receiving: end - t.firstByte,
          },
        });
      });
    });
    req.on('error', (error) => done(failure(request, error, t)));
    req.end(body ?? undefined);
  });
}

function failure(request, error, t) {
  return {
    url: request.url,
    status: 0,
    statusText: '',
    proto: '',
    headers: {},
    body: null,
    bytesReceived: 0,
    bytesSent: 0,
    error: error.message,
    errorCode: errorCode(error),
    timings: { blocked: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: performance.now() - t.start, receiving: 0 },
  };
}
