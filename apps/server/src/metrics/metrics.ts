import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { eventTypes, type EventBus } from '../bus/events.js';
import type { JobEvents, JobQueue } from '../jobs/queue.js';

/**
 * Prometheus metrics of one process: HTTP rates and latencies by route, job outcomes,
 * and the queue depth read from the queue when scraped. A registry per runtime (not the
 * global default) so tests can run several side by side.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'parley_http_requests_total',
    help: 'HTTP requests by method, route and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP request latency by method and route.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly jobsCompleted = new Counter({
    name: 'parley_jobs_completed_total',
    help: 'Jobs that ran to completion, by name.',
    labelNames: ['name'] as const,
    registers: [this.registry],
  });
  readonly jobsFailed = new Counter({
    name: 'parley_jobs_failed_total',
    help: 'Failed job attempts, by name and whether a retry follows.',
    labelNames: ['name', 'will_retry'] as const,
    registers: [this.registry],
  });
  readonly jobsDead = new Counter({
    name: 'parley_jobs_dead_total',
    help: 'Jobs that used up their attempts in this process, by name.',
    labelNames: ['name'] as const,
    registers: [this.registry],
  });

  readonly eventsReceived = new Counter({
    name: 'parley_events_received_total',
    help: 'Domain events delivered to this process by the bus, by type (from any process).',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
  }

  /** Hooks for a queue's handler registry. */
  jobEvents(): JobEvents {
    return {
      onCompleted: (name) => {
        this.jobsCompleted.inc({ name });
      },
      onFailed: (name, _error, willRetry) => {
        this.jobsFailed.inc({ name, will_retry: String(willRetry) });
        if (!willRetry) this.jobsDead.inc({ name });
      },
    };
  }

  /** Counts every event the bus delivers here: shows cross-process fan-out working. */
  observeBus(bus: EventBus): void {
    for (const type of eventTypes)
      bus.subscribe(type, () => {
        this.eventsReceived.inc({ type });
      });
  }

  /** Queue depth by state, read from the queue on every scrape (shared across processes). */
  observeQueue(queue: JobQueue): void {
    new Gauge({
      name: 'parley_jobs',
      help: 'Jobs by state: queued (due), delayed, running, dead.',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const depth = await queue.depth();
        this.set({ state: 'queued' }, depth.queued);
        this.set({ state: 'delayed' }, depth.delayed);
        this.set({ state: 'running' }, depth.running);
        this.set({ state: 'dead' }, depth.dead);
      },
    });
  }
}
