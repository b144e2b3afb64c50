import { BullModule } from '@nestjs/bullmq';
import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { PlatformModule } from '@pingvas/common';
import { erasureQueue, QueueNames } from '@pingvas/contracts';
import { DatabaseModule } from '@pingvas/database';
import { MessagingModule } from '@pingvas/messaging';
import { blobStorageProvider } from '@pingvas/storage';
import type { SystemWorkerConfig } from './config';
import { SYSTEM_DATABASE } from './database';
import { ErasureConsumer } from './export/erasure.consumer';
import { ExportBuilder } from './export/export-builder';
import { ExportConsumer } from './export/export.consumer';
import { ExportFilesRepository } from './export/export-files.repository';
import { EmailConsumer } from './mail/email.consumer';
import { Mailer } from './mail/mailer';
import { SentEmailsRepository } from './mail/sent-emails.repository';
import { MaintenanceConsumer } from './maintenance.consumer';
import { SystemWorkerMetrics } from './worker-metrics';

export const SYSTEM_QUEUES = [
  QueueNames.systemEmail,
  QueueNames.systemExport,
  erasureQueue('system'),
  QueueNames.systemMaintenance,
] as const;

/** Says once at boot what the worker takes jobs from and where its mail goes. */
@Injectable()
class BootLine implements OnApplicationBootstrap {
  private readonly logger = new Logger('SystemWorker');

  constructor(@Inject(Mailer) private readonly mailer: Mailer) {}

  onApplicationBootstrap(): void {
    this.logger.log(
      `taking jobs from ${SYSTEM_QUEUES.join(', ')}; mail goes to ${this.mailer.describe()}`,
    );
  }
}

/**
 * The system worker (seed 004's system workers, DESIGN §16): background jobs that need no GPU,
 * each queue a `@JobConsumer`. It owns two tables (mail sent, export zips written), answers no
 * RPC but calls the services' export reads, and serves only /health, /ready and /metrics. Other
 * system jobs (the gallery's thumbnails, say) join as consumers of their own queues.
 */
@Module({})
export class SystemWorkerModule {
  static forRoot(config: SystemWorkerConfig): DynamicModule {
    return {
      module: SystemWorkerModule,
      imports: [
        PlatformModule.forRoot(config),
        DatabaseModule.forService(SYSTEM_DATABASE),
        MessagingModule.forRoot(),
        BullModule.registerQueue(...SYSTEM_QUEUES.map((name) => ({ name }))),
      ],
      providers: [
        SystemWorkerMetrics,
        blobStorageProvider,
        Mailer,
        SentEmailsRepository,
        EmailConsumer,
        ExportFilesRepository,
        ExportBuilder,
        ExportConsumer,
        ErasureConsumer,
        MaintenanceConsumer,
        BootLine,
      ],
    };
  }
}
