import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import {
  Inject,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { QueueNames } from '@pingvas/contracts';
import { type ScheduledJob, scheduleEvery } from '@pingvas/messaging';
import type { Job, Queue } from 'bullmq';
import type { PaymentServiceConfig } from '../config';
import { CreditLedger } from './credit-ledger';

export const EXPIRE_RESERVATIONS = 'reservations.expire';

/**
 * A repeatable BullMQ job releases reservations nobody settled in time (a crashed caller).
 * One scheduler entry exists however many replicas start; each run is idempotent.
 */
@Processor(QueueNames.paymentMaintenance)
export class ReservationExpiry
  extends WorkerHost
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(ReservationExpiry.name);
  private schedule?: ScheduledJob;

  constructor(
    private readonly ledger: CreditLedger,
    @InjectQueue(QueueNames.paymentMaintenance) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: PaymentServiceConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.schedule = scheduleEvery(
      this.queue,
      EXPIRE_RESERVATIONS,
      this.config.reservations.sweepIntervalMs,
      this.logger,
    );
  }

  onApplicationShutdown(): void {
    this.schedule?.stop();
  }

  async process(job: Job): Promise<{ expired: number }> {
    if (job.name !== EXPIRE_RESERVATIONS) throw new Error(`no handler for ${job.name}`);
    const expired = await this.ledger.expireDue();
    if (expired > 0) this.logger.log(`released ${expired} expired reservation(s)`);
    return { expired };
  }
}
