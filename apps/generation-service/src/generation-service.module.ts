import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule, PlatformModule } from '@pingvas/common';
import { erasureQueue, QueueNames } from '@pingvas/contracts';
import { DatabaseModule } from '@pingvas/database';
import { blobStorageProvider } from '@pingvas/storage';
import {
  CatalogueChanges,
  createSystemController,
  GENERATION_CHANNEL_PROVIDERS,
  MessagingModule,
  Outbox,
  RateLimitModule,
  RpcApiKeyVerifier,
} from '@pingvas/messaging';
import type { GenerationServiceConfig } from './config';
import { GENERATION_DATABASE } from './database';
import { CreditSettlement } from './generations/finish/credit-settlement';
import { GenerationCancel } from './generations/finish/generation-cancel';
import { GenerationFinisher } from './generations/finish/generation-finisher';
import { GenerationMetrics } from './generations/generation-metrics';
import { ErasureConsumer } from './generations/erasure/erasure.consumer';
import { UserErasure } from './generations/erasure/user-erasure';
import { GenerationsController } from './generations/generations.controller';
import { GenerationsRpcController } from './generations/generations.rpc.controller';
import { GenerationStream } from './generations/live/generation-stream';
import { GenerationViews } from './generations/reads/generation-views';
import { QueueInfo } from './generations/reads/queue-info';
import { LostGenerations } from './generations/reconcile/lost-generations';
import { Sweeper } from './generations/reconcile/sweeper';
import { GenerationOutcomes } from './generations/results/generation-outcomes';
import { ResultsConsumer } from './generations/results/results.consumer';
import { GenerationImagesRepository } from './generations/store/generation-images.repository';
import { GenerationsRepository } from './generations/store/generations.repository';
import { TIER_QUEUE_NAMES, TierQueues } from './generations/store/tier-queues';
import { CatalogueCache } from './generations/submit/catalogue-cache';
import { GenerationsService } from './generations/submit/generations.service';

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
        BullModule.registerQueue(
          ...TIER_QUEUE_NAMES.map((name) => ({ name })),
          { name: QueueNames.generationResults },
          { name: QueueNames.generationMaintenance },
          { name: erasureQueue('generation') },
          // Only to remove an erased user's hand-offs (the outbox adds them on its own).
          { name: QueueNames.galleryIngest },
        ),
      ],
      controllers: [
        createSystemController('generation'),
        GenerationsController,
        GenerationsRpcController,
      ],
      providers: [
        GenerationsRepository,
        GenerationImagesRepository,
        TierQueues,
        GenerationMetrics,
        ...GENERATION_CHANNEL_PROVIDERS,
        GenerationViews,
        QueueInfo,
        GenerationStream,
        CreditSettlement,
        GenerationFinisher,
        GenerationCancel,
        CatalogueChanges,
        CatalogueCache,
        GenerationsService,
        GenerationOutcomes,
        ResultsConsumer,
        LostGenerations,
        Sweeper,
        UserErasure,
        ErasureConsumer,
        Outbox,
        blobStorageProvider,
      ],
    };
  }
}
