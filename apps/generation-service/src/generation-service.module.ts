import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule, PlatformModule } from '@pingvas/common';
import { QueueNames } from '@pingvas/contracts';
import { DatabaseModule } from '@pingvas/database';
import { blobStorageProvider } from '@pingvas/storage';
import {
  createSystemController,
  MessagingModule,
  Outbox,
  RateLimitModule,
  RpcApiKeyVerifier,
} from '@pingvas/messaging';
import type { GenerationServiceConfig } from './config';
import { GENERATION_DATABASE } from './database';
import { CreditSettlement } from './generations/credit-settlement';
import { GenerationEvents } from './generations/generation-events';
import { GenerationMetrics } from './generations/generation-metrics';
import { GenerationOutcomes } from './generations/generation-outcomes';
import { GenerationStream } from './generations/generation-stream';
import { GenerationsController } from './generations/generations.controller';
import { GenerationsRepository } from './generations/generations.repository';
import { GenerationViews } from './generations/generation-views';
import { GenerationsService } from './generations/generations.service';
import { LostGenerations } from './generations/lost-generations';
import { QueueInfo } from './generations/queue-info';
import { ResultsConsumer } from './generations/results.consumer';
import { Sweeper } from './generations/sweeper';
import { TIER_QUEUE_NAMES, TierQueues } from './generations/tier-queues';

const MINUTE_MS = 60_000;

@Module({})
export class GenerationServiceModule {
  static forRoot(config: GenerationServiceConfig): DynamicModule {
    return {
      module: GenerationServiceModule,
      imports: [
        PlatformModule.forRoot(config),
        DatabaseModule.forService(GENERATION_DATABASE),
        MessagingModule.forRoot(),
        AuthModule.forRoot({ apiKeys: RpcApiKeyVerifier }),
        RateLimitModule.forRoot(config, {
          user: { limit: config.generation.rateLimitPerMinute, windowMs: MINUTE_MS },
        }),
        BullModule.registerQueue(...TIER_QUEUE_NAMES.map((name) => ({ name })), {
          name: QueueNames.generationResults,
        }),
      ],
      controllers: [createSystemController('generation'), GenerationsController],
      providers: [
        GenerationsRepository,
        GenerationMetrics,
        GenerationsService,
        GenerationViews,
        GenerationEvents,
        GenerationStream,
        CreditSettlement,
        TierQueues,
        QueueInfo,
        GenerationOutcomes,
        LostGenerations,
        ResultsConsumer,
        Sweeper,
        Outbox,
        blobStorageProvider,
      ],
    };
  }
}
