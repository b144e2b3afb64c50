import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type BaseConfig, currentRequestId } from '@pingvas/common';
import {
  isRpcErrorPayload,
  type RpcEnvelope,
  type RpcPattern,
  type RpcRequest,
  type RpcResponse,
} from '@pingvas/contracts';
import { firstValueFrom, TimeoutError } from 'rxjs';
import { redisOptionsFromUrl } from './redis-options';
import { NO_SUBSCRIBER, StreamRpcClient } from './redis-transport';
import { type RpcClientOutcome, RpcMetrics } from './rpc/rpc-metrics';
import { rpcFailure } from './rpc-errors';

export interface SendOptions {
  /** Overrides RPC_TIMEOUT_MS for one call. */
  timeoutMs?: number;
}

function outcomeOf(err: unknown): RpcClientOutcome {
  if (err === NO_SUBSCRIBER) return 'no_listener';
  if (err instanceof TimeoutError) return 'timeout';
  return isRpcErrorPayload(err) ? 'error' : 'unavailable';
}

/**
 * The one way a service calls another: typed by `RpcContract`, always bounded by a timeout
 * (the request's deadline too), carrying the current request id, counted in RpcMetrics, and
 * failing with an AppError the HTTP edge understands.
 */
@Injectable()
export class RpcClient implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RpcClient.name);
  private readonly client: StreamRpcClient;

  constructor(
    @Inject(APP_CONFIG) private readonly config: BaseConfig,
    // MessagingModule provides it; a test that builds a client by hand may leave it out.
    @Optional() private readonly metrics?: RpcMetrics,
  ) {
    this.client = new StreamRpcClient({
      ...redisOptionsFromUrl(config.redis.url),
      namespace: config.rpc.namespace,
      timeoutMs: config.rpc.timeoutMs,
    });
  }

  onApplicationBootstrap(): void {
    this.client
      .connect()
      .catch((err: unknown) => this.logger.warn(`RPC client not connected yet: ${String(err)}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  async send<P extends RpcPattern>(
    pattern: P,
    payload: RpcRequest<P>,
    options: SendOptions = {},
  ): Promise<RpcResponse<P>> {
    const timeoutMs = options.timeoutMs ?? this.config.rpc.timeoutMs;
    const envelope: RpcEnvelope<RpcRequest<P>> = { requestId: currentRequestId(), payload };
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const answer = await firstValueFrom(
        this.client.send<RpcResponse<P>>(pattern, envelope, { timeoutMs }),
      );
      this.metrics?.called(pattern, 'ok', seconds());
      return answer;
    } catch (err) {
      this.metrics?.called(pattern, outcomeOf(err), seconds());
      throw rpcFailure(pattern, err, timeoutMs);
    }
  }
}
