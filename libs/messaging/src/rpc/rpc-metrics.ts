import { Injectable } from '@nestjs/common';
import { MetricsRegistry, ServiceMetrics } from '@pingvas/common';

/** How a call ended for its caller. */
export type RpcClientOutcome = 'ok' | 'error' | 'timeout' | 'no_listener' | 'unavailable';

/**
 * How a request ended on the replica that took it: answered (`ok`, `error`), dropped unstarted
 * because its caller had given up (`expired`), no handler for it (`no_handler`), or answered
 * after its deadline (`late`: the caller had stopped waiting).
 */
export type RpcServerOutcome = 'ok' | 'error' | 'expired' | 'no_handler' | 'late';

/** What the transport's server reports; RpcMetrics in a service, nothing in a bare test. */
export interface RpcServerObserver {
  served(pattern: string, outcome: RpcServerOutcome, seconds?: number): void;
}

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * RPC counts and durations on every process, both sides: summed over replicas, the servers'
 * count of a pattern equals its callers' when each request is handled once.
 */
@Injectable()
export class RpcMetrics extends ServiceMetrics implements RpcServerObserver {
  private readonly clientRequests = this.counter<'pattern' | 'outcome'>({
    name: 'rpc_client_requests_total',
    help: 'RPC calls made by this process, by pattern and outcome',
    labelNames: ['pattern', 'outcome'],
  });
  private readonly clientDuration = this.histogram<'pattern'>({
    name: 'rpc_client_duration_seconds',
    help: 'RPC round trips as the caller saw them, by pattern',
    labelNames: ['pattern'],
    buckets: BUCKETS,
  });
  private readonly serverRequests = this.counter<'pattern' | 'outcome'>({
    name: 'rpc_server_requests_total',
    help: 'RPC requests taken by this replica, by pattern and outcome',
    labelNames: ['pattern', 'outcome'],
  });
  private readonly serverDuration = this.histogram<'pattern'>({
    name: 'rpc_server_duration_seconds',
    help: 'RPC handler time on this replica until its reply was sent, by pattern',
    labelNames: ['pattern'],
    buckets: BUCKETS,
  });

  constructor(metrics: MetricsRegistry) {
    super(metrics);
  }

  called(pattern: string, outcome: RpcClientOutcome, seconds: number): void {
    this.clientRequests.inc({ pattern, outcome });
    this.clientDuration.observe({ pattern }, seconds);
  }

  served(pattern: string, outcome: RpcServerOutcome, seconds?: number): void {
    this.serverRequests.inc({ pattern, outcome });
    if (seconds !== undefined) this.serverDuration.observe({ pattern }, seconds);
  }
}
