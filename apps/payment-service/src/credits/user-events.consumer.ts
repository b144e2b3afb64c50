import { Logger } from '@nestjs/common';
import { QueueNames, type UserCreatedEvent, UserEventNames } from '@pingvas/contracts';
import { JobConsumer, OnJob, QueueConsumer } from '@pingvas/messaging';
import { CreditLedger } from './credit-ledger';

/**
 * `user.created` → the credit account, with the free plan's credits (idempotent by user id);
 * while the database is away the event waits, so no account is left unopened.
 */
@JobConsumer(QueueNames.userEvents)
export class UserEventsConsumer extends QueueConsumer {
  private readonly logger = new Logger(UserEventsConsumer.name);

  constructor(private readonly ledger: CreditLedger) {
    super();
  }

  @OnJob(QueueNames.userEvents, UserEventNames.created)
  async open(event: UserCreatedEvent): Promise<{ opened: boolean }> {
    const opened = await this.ledger.openAccount(event.userId);
    this.logger.log(
      { userId: event.userId, opened, requestId: event.requestId },
      'credit account for new user',
    );
    return { opened };
  }
}
