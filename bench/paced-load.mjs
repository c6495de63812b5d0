/* global Buffer */
// An open-loop load at a constant rate, for latency targets stated at a rate ("p99 at 1,000
// messages/s"). autocannon's `overallRate` lets each connection send its share as fast as it
// can at the start of every second, then idle: bursts that measure queueing, not the rate.
// Here request i is due at start + i / rate, sent then whatever the answers before it, and
// its latency counts from when it was due (no coordinated omission).
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * POSTs `rate` requests a second for `seconds` to `url`; `next()` gives each one's body and
 * headers. Resolves to the row `npm run bench` prints.
 */
export async function pacedLoad(scenario, url, rate, seconds, next, warmupSeconds = 1) {
  process.stdout.write(`  ${scenario} … `);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  // The first second opens the connections and warms the server up: sent, not counted.
  const warmup = Math.round(rate * warmupSeconds);
  const total = warmup + Math.round(rate * seconds);
  const latencies = [];
  let non2xx = 0;
  let errors = 0;
  const answered = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    const { body, headers } = next();
    answered.push(
      new Promise((resolve) => {
        const request = http.request(
          url,
          {
            method: 'POST',
            agent,
            headers: { ...headers, 'content-length': Buffer.byteLength(body) },
            timeout: 30_000,
          },
          (response) => {
            response.resume();
            response.on('end', () => {
              if (i < warmup) return resolve();
              latencies.push(performance.now() - due);
              if (response.statusCode < 200 || response.statusCode >= 300) non2xx += 1;
              resolve();
            });
          },
        );
        request.on('timeout', () => request.destroy(new Error('timed out')));
        request.on('error', () => {
          if (i >= warmup) errors += 1;
          resolve();
        });
        request.end(body);
      }),
    );
  }
  await Promise.all(answered);
  const elapsed = (performance.now() - start) / 1000 - warmupSeconds;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  const count = latencies.length - non2xx;
  console.log(`${Math.round(count / elapsed)} req/s, p99 ${at(0.99)} ms`);
  return {
    scenario,
    rps: count / elapsed,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    non2xx,
    errors,
    count,
  };
}
