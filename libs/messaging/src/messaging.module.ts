import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { APP_CONFIG, type BaseConfig, RevokedSessions } from '@pingvas/common';
import { reconnectDelay, redisOptionsFromUrl } from './redis-options';
import { ApiKeyRevocations } from './api-key-revocations';
import { JobHandlers } from './jobs/job-handlers';
import { QueueErrorLog } from './queue-errors';
import { RedisReadiness } from './redis-readiness';
import { RedisRevokedSessions } from './revoked-sessions';
import { RpcMetrics } from './rpc/rpc-metrics';
import { RpcClient } from './rpc-client';

/**
 * Redis for a process: the RPC client and the RPC metrics of both sides, BullMQ's shared connection settings (key prefix per
 * environment, or per test file), an error listener on every queue and worker, the boot check
 * of job handlers, and the `redis` readiness check.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: { rpcClient?: boolean } = {}): DynamicModule {
    const rpc = options.rpcClient === false ? [] : [RpcClient];
    return {
      module: MessagingModule,
      imports: [
        DiscoveryModule,
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: BaseConfig) => ({
            prefix: config.queue.prefix,
            // BullMQ workers need blocking commands to wait forever for a reconnect.
            connection: {
              ...redisOptionsFromUrl(config.redis.url),
              maxRetriesPerRequest: null,
              retryStrategy: reconnectDelay,
            },
          }),
        }),
      ],
      providers: [
        ...rpc,
        RpcMetrics,
        RedisReadiness,
        // The shared guard (libs/common) reads closed sign-ins through its port.
        RedisRevokedSessions,
        { provide: RevokedSessions, useExisting: RedisRevokedSessions },
        QueueErrorLog,
        JobHandlers,
        ApiKeyRevocations,
      ],
      exports: [
        ...rpc,
        RpcMetrics,
        BullModule,
        RedisRevokedSessions,
        RevokedSessions,
        ApiKeyRevocations,
      ],
    };
  }
}
