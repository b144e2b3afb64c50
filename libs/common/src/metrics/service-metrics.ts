import {
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
} from 'prom-client';
import type { MetricsRegistry } from './metrics.registry';

/**
 * The base of each service's one `*Metrics` provider: the only place its business metrics are
 * declared, registered on this process's registry. Callers count a fact after the commit that
 * made it true (never inside a transaction that may still roll back), so a dashboard never
 * shows what the database does not hold.
 */
export abstract class ServiceMetrics {
  constructor(protected readonly metrics: MetricsRegistry) {}

  protected counter<L extends string = string>(
    config: Omit<CounterConfiguration<L>, 'registers'>,
  ): Counter<L> {
    return new Counter({ ...config, registers: [this.metrics.registry] });
  }

  protected gauge<L extends string = string>(
    config: Omit<GaugeConfiguration<L>, 'registers'>,
  ): Gauge<L> {
    return new Gauge({ ...config, registers: [this.metrics.registry] });
  }

  protected histogram<L extends string = string>(
    config: Omit<HistogramConfiguration<L>, 'registers'>,
  ): Histogram<L> {
    return new Histogram({ ...config, registers: [this.metrics.registry] });
  }
}
