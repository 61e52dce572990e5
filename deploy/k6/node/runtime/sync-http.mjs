// Synchronous HTTP for the script's thread, as k6 gives it: the requests run in a worker thread (./http-worker.mjs)
// while this thread waits on a shared flag (Atomics.wait); the answer is taken off the channel synchronously
// (receiveMessageOnPort). One worker, one keep-alive connection pool: like one k6 VU.
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';

const flag = new Int32Array(new SharedArrayBuffer(4));
const { port1, port2 } = new MessageChannel();
const worker = new Worker(new URL('./http-worker.mjs', import.meta.url), {
  workerData: { flag, port: port2 },
  transferList: [port2],
});
worker.unref();

/** Sends requests ({method, url, headers, body, timeoutMs, maxRedirects}) at once; returns their results in order. */
export function sendAll(requests) {
  const deadline = Math.max(...requests.map((r) => r.timeoutMs)) * (1 + Math.max(...requests.map((r) => r.maxRedirects)));
  Atomics.store(flag, 0, 0);
  port1.postMessage(requests);
  if (Atomics.wait(flag, 0, 0, deadline + 5000) === 'timed-out') {
    throw new Error(`the HTTP worker did not answer within ${deadline + 5000} ms`);
  }
  const reply = receiveMessageOnPort(port1);
  if (!reply) throw new Error('the HTTP worker signalled an answer it did not send');
  if (reply.message.error) throw new Error(`the HTTP worker failed: ${reply.message.error}`);
  return reply.message.results;
}

export function closeHttp() {
  return worker.terminate();
}
