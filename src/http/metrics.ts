/** Prometheus metrics (docs/api.md#operations): requests by route, method and status, and a latency histogram. */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'Requests answered, by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request received to response ready, by route and method.',
    labelNames: ['route', 'method'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // Label children are looked up once per route/method/status, not hashed from an object on every request.
  const counters = new Map<string, ReturnType<typeof requests.labels>>();
  const timers = new Map<string, ReturnType<typeof latency.labels>>();
  return {
    registry,
    observe(route: string, method: string, status: number, seconds: number): void {
      const key = `${route} ${method}`;
      let timer = timers.get(key);
      if (!timer) {
        timer = latency.labels(route, method);
        timers.set(key, timer);
      }
      timer.observe(seconds);
      const ckey = `${key} ${status}`;
      let counter = counters.get(ckey);
      if (!counter) {
        counter = requests.labels(route, method, String(status));
        counters.set(ckey, counter);
      }
      counter.inc();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
