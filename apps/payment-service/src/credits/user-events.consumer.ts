import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { QueueNames, type UserCreatedEvent, UserEventNames } from '@pingvas/contracts';
import { retryWhileDatabaseAway } from '@pingvas/messaging';
import type { Job } from 'bullmq';
import { CreditLedger } from './credit-ledger';

/**
 * `user.created` → the credit account, with the free plan's credits (idempotent by user id);
 * while the database is away the event waits, so no account is left unopened.
 */
@Processor(QueueNames.userEvents)
export class UserEventsConsumer extends WorkerHost {
  private readonly logger = new Logger(UserEventsConsumer.name);

  constructor(private readonly ledger: CreditLedger) {
    super();
  }

  process(job: Job<UserCreatedEvent>, token?: string): Promise<{ opened: boolean }> {
    return retryWhileDatabaseAway(job, token, () => this.open(job));
  }

  private async open(job: Job<UserCreatedEvent>): Promise<{ opened: boolean }> {
    if (job.name !== UserEventNames.created) {
      throw new Error(`no handler for ${job.name} on ${QueueNames.userEvents}`);
    }
    const opened = await this.ledger.openAccount(job.data.userId);
    this.logger.log(
      { userId: job.data.userId, opened, requestId: job.data.requestId },
      'credit account for new user',
    );
    return { opened };
  }
}
