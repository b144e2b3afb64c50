import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { CustomStrategy } from '@nestjs/microservices';
import { AppError, type BaseConfig } from '@pingvas/common';
import type { RpcEnvelope } from '@pingvas/contracts';
import { redisOptionsFromUrl } from './redis-options';
import { StreamRpcServer } from './redis-transport';
import type { RpcServerObserver } from './rpc/rpc-metrics';

/** The process's RPC server: its replica of each service it serves, counted in `observer`. */
export function rpcServerStrategy(
  config: BaseConfig,
  observer?: RpcServerObserver,
): CustomStrategy {
  return {
    strategy: new StreamRpcServer({
      ...redisOptionsFromUrl(config.redis.url),
      namespace: config.rpc.namespace,
      observer,
    }),
  };
}

function envelopeOf(data: unknown): RpcEnvelope<unknown> {
  if (typeof data === 'object' && data !== null && 'payload' in data)
    return data as RpcEnvelope<unknown>;
  throw new AppError('VALIDATION_FAILED', 'RPC message is not an envelope {requestId, payload}');
}

/** The payload of an RPC envelope; validated by the global pipe like an HTTP body. */
export const RpcPayload = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  return envelopeOf(ctx.switchToRpc().getData()).payload;
});
