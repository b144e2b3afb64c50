import {
  type CallHandler,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { CustomStrategy } from '@nestjs/microservices';
import { AppError, type BaseConfig, chooseRequestId, requestContext } from '@pingvas/common';
import type { RpcEnvelope } from '@pingvas/contracts';
import { PinoLogger } from 'nestjs-pino';
import { Store, storage } from 'nestjs-pino/storage';
import { Observable } from 'rxjs';
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

/** Global (both contexts); runs an RPC handler inside the caller's request id, so its log lines carry that id. */
@Injectable()
export class RpcRequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const data = context.switchToRpc().getData<{ requestId?: unknown } | undefined>();
    const requestId = chooseRequestId(data?.requestId);
    const logger = PinoLogger.root.child({ requestId, rpc: context.getHandler().name });
    return new Observable((subscriber) =>
      requestContext.run({ requestId }, () =>
        storage.run(new Store(logger), () => next.handle().subscribe(subscriber)),
      ),
    );
  }
}
