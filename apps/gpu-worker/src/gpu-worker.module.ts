import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@pingvas/common';
import { MessagingModule } from '@pingvas/messaging';
import type { GpuWorkerConfig } from './config';
import { GenerationWorker } from './dispatch/generation-worker';
import { InferenceRuntime } from './inference/inference-runtime';

/**
 * The worker owns no tables and answers no RPC: Redis (queues, events), its runtime, probes,
 * and an RPC client to read the tier weights from payment-service's plans.
 */
@Module({})
export class GpuWorkerModule {
  static forRoot(config: GpuWorkerConfig): DynamicModule {
    return {
      module: GpuWorkerModule,
      imports: [PlatformModule.forRoot(config), MessagingModule.forRoot()],
      providers: [InferenceRuntime, GenerationWorker],
      exports: [InferenceRuntime],
    };
  }
}
