import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app instance (not prom-client's global), so several apps can live in one test process. */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  auditWrites: Counter;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'djb_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'djb_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern (never the raw URL: it may carry tickets)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    auditWrites: new Counter({ name: 'djb_audit_writes_total', help: 'Audit log entries written', registers: [registry] }),
  };
}
