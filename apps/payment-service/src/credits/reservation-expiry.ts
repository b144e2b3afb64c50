import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { QueueNames } from '@pingvas/contracts';
import { scheduleEvery } from '@pingvas/messaging';
import type { Job, Queue } from 'bullmq';
import type { PaymentServiceConfig } from '../config';
import { CreditLedger } from './credit-ledger';

export const EXPIRE_RESERVATIONS = 'reservations.expire';

/**
 * A repeatable BullMQ job releases reservations nobody settled in time (a crashed caller).
 * One scheduler entry exists however many replicas start; each run is idempotent.
 */
@Processor(QueueNames.paymentMaintenance)
export class ReservationExpiry extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReservationExpiry.name);

  constructor(
    private readonly ledger: CreditLedger,
    @InjectQueue(QueueNames.paymentMaintenance) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: PaymentServiceConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await scheduleEvery(
      this.queue,
      EXPIRE_RESERVATIONS,
      this.config.reservations.sweepIntervalMs,
      this.logger,
    );
  }

  async process(job: Job): Promise<{ expired: number }> {
    if (job.name !== EXPIRE_RESERVATIONS) throw new Error(`no handler for ${job.name}`);
    const expired = await this.ledger.expireDue();
    if (expired > 0) this.logger.log(`released ${expired} expired reservation(s)`);
    return { expired };
  }
}
