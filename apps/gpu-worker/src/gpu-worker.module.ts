import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@pingvas/common';
import { MessagingModule } from '@pingvas/messaging';
import type { GpuWorkerConfig } from './config';
import { InferenceRuntime } from './inference/inference-runtime';

/** The worker owns no tables and answers no RPC: it needs Redis (queues), its runtime and probes. */
@Module({})
export class GpuWorkerModule {
  static forRoot(config: GpuWorkerConfig): DynamicModule {
    return {
      module: GpuWorkerModule,
      imports: [PlatformModule.forRoot(config), MessagingModule.forRoot({ rpcClient: false })],
      providers: [InferenceRuntime],
      exports: [InferenceRuntime],
    };
  }
}
