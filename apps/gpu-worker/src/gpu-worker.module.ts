import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG, PlatformModule } from '@pingvas/common';
import { QueueNames } from '@pingvas/contracts';
import {
  GENERATION_CHANNEL_PROVIDERS,
  MessagingModule,
  reconnectDelay,
  redisOptionsFromUrl,
} from '@pingvas/messaging';
import { blobStorageProvider } from '@pingvas/storage';
import type { GpuWorkerConfig } from './config';
import { TierDispatcher } from './dispatch/tier-dispatcher';
import { TierSources } from './dispatch/tier-sources';
import { GenerationReports } from './generation/generation-reports';
import { GenerationRunner } from './generation/generation-runner';
import { InferenceRuntime } from './inference/inference-runtime';
import { StoredModels } from './models/stored-models';
import { WorkerMetrics } from './worker-metrics';

/** The five tier queues as job sources, on connections that wait out a Redis restart. */
const tierSourcesProvider = {
  provide: TierSources,
  inject: [APP_CONFIG],
  useFactory: (config: GpuWorkerConfig) =>
    new TierSources({
      prefix: config.queue.prefix,
      connection: {
        ...redisOptionsFromUrl(config.redis.url),
        maxRetriesPerRequest: null,
        retryStrategy: reconnectDelay,
      },
      lockMs: config.worker.lockMs,
      stalledIntervalMs: config.worker.stalledIntervalMs,
    }),
};

/**
 * The worker owns no tables and answers no RPC: Redis (the tier queues it takes jobs from,
 * the results queue it reports on, the live channel), its runtime, probes, the node-local
 * cache of stored model packages, and an RPC client to read the tier weights from
 * payment-service's plans and a stored package's hashes from model-service.
 */
@Module({})
export class GpuWorkerModule {
  static forRoot(config: GpuWorkerConfig): DynamicModule {
    return {
      module: GpuWorkerModule,
      imports: [
        PlatformModule.forRoot(config),
        MessagingModule.forRoot(),
        BullModule.registerQueue({ name: QueueNames.generationResults }),
      ],
      providers: [
        WorkerMetrics,
        InferenceRuntime,
        StoredModels,
        blobStorageProvider,
        ...GENERATION_CHANNEL_PROVIDERS,
        tierSourcesProvider,
        GenerationReports,
        GenerationRunner,
        TierDispatcher,
      ],
      exports: [InferenceRuntime],
    };
  }
}
