import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { QueueNames, ScheduledJobNames } from '@pingvas/contracts';
import { JobConsumer, OnJob, type Schedule, ScheduledConsumer } from '@pingvas/messaging';
import type { Queue } from 'bullmq';
import type { PaymentServiceConfig } from '../config';
import { CreditLedger } from './credit-ledger';

/**
 * A repeatable BullMQ job releases reservations nobody settled in time (a crashed caller).
 * One scheduler entry exists however many replicas start; each run is idempotent.
 */
@JobConsumer(QueueNames.paymentMaintenance)
export class ReservationExpiry extends ScheduledConsumer {
  protected readonly logger = new Logger(ReservationExpiry.name);

  constructor(
    private readonly ledger: CreditLedger,
    @InjectQueue(QueueNames.paymentMaintenance) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: PaymentServiceConfig,
  ) {
    super();
  }

  protected schedule(): Schedule {
    return {
      queue: this.queue,
      name: ScheduledJobNames.expireReservations,
      everyMs: this.config.reservations.sweepIntervalMs,
    };
  }

  // A missed run is harmless (the next one catches up), so it does not wait for the database.
  @OnJob(QueueNames.paymentMaintenance, ScheduledJobNames.expireReservations, {
    waitForDatabase: false,
  })
  async expire(): Promise<{ expired: number }> {
    const expired = await this.ledger.expireDue();
    if (expired > 0) this.logger.log(`released ${expired} expired reservation(s)`);
    return { expired };
  }
}
