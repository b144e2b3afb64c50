import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type BaseConfig, currentRequestId } from '@pingvas/common';
import type { RpcEnvelope, RpcPattern, RpcRequest, RpcResponse } from '@pingvas/contracts';
import { firstValueFrom, timeout } from 'rxjs';
import { redisOptionsFromUrl } from './redis-options';
import { NamespacedRedisClient } from './redis-transport';
import { rpcFailure } from './rpc-errors';

export interface SendOptions {
  /** Overrides RPC_TIMEOUT_MS for one call. */
  timeoutMs?: number;
}

/**
 * The one way a service calls another: typed by `RpcContract`, always bounded by a timeout,
 * carrying the current request id, and failing with an AppError the HTTP edge understands.
 */
@Injectable()
export class RpcClient implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RpcClient.name);
  private readonly client: NamespacedRedisClient;

  constructor(@Inject(APP_CONFIG) private readonly config: BaseConfig) {
    this.client = new NamespacedRedisClient({
      ...redisOptionsFromUrl(config.redis.url),
      namespace: config.rpc.namespace,
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
    try {
      return await firstValueFrom(
        this.client.send<RpcResponse<P>>(pattern, envelope).pipe(timeout(timeoutMs)),
      );
    } catch (err) {
      throw rpcFailure(pattern, err, timeoutMs);
    }
  }
}
