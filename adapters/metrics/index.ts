// The TurnObserver port (bot/ports/turn-observer.ts) as Prometheus metrics, and the listener that serves them.
export { PrometheusMetrics, type MetricsSources } from './prometheus-metrics';
export { startMetricsServer, type MetricsServer } from './metrics-server';
