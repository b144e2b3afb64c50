import { Logger } from '@nestjs/common';
import { AppError } from '@pingvas/common';
import { erasureQueue, type UserDeletedEvent, UserDeletedJobName } from '@pingvas/contracts';
import { JobConsumer, OnJob, QueueConsumer } from '@pingvas/messaging';
import { isUUID } from 'class-validator';
import { LemonSqueezyClient } from '../billing/lemon-squeezy.client';
import { SubscriptionStates } from '../billing/subscription-states';
import { SubscriptionsRepository } from '../billing/subscriptions.repository';
import { CreditLedger } from '../credits/credit-ledger';
import { PaymentErasure } from './payment-erasure';

const QUEUE = erasureQueue('payment');

/**
 * `user.deleted` → the subscription is cancelled at Lemon Squeezy (so nobody is charged for an
 * account that is gone), then the user's rows are anonymised. A Lemon Squeezy failure throws,
 * so the job is retried with backoff before anything is anonymised; every step is idempotent
 * (a cancelled subscription is not cancelled again, an anonymised user is not found again).
 */
@JobConsumer(QUEUE)
export class PaymentErasureConsumer extends QueueConsumer {
  private readonly logger = new Logger(PaymentErasureConsumer.name);

  constructor(
    private readonly subscriptions: SubscriptionsRepository,
    private readonly lemonSqueezy: LemonSqueezyClient,
    private readonly states: SubscriptionStates,
    private readonly ledger: CreditLedger,
    private readonly erasure: PaymentErasure,
  ) {
    super();
  }

  @OnJob(QUEUE, UserDeletedJobName)
  async erase(event: UserDeletedEvent): Promise<{ cancelled: number; anonymised: boolean }> {
    if (!isUUID(event.userId)) return { cancelled: 0, anonymised: false };
    let cancelled = 0;
    for (const s of await this.subscriptions.chargingOf(event.userId)) {
      try {
        const answer = await this.lemonSqueezy.cancelSubscription(s.id);
        await this.ledger.transaction((tx) =>
          this.states.apply(s.id, s.userId, answer.attributes, tx),
        );
        cancelled++;
      } catch (err) {
        // Gone at Lemon Squeezy already: nothing left to charge.
        const gone =
          err instanceof AppError &&
          (err.details as { upstreamStatus?: number } | undefined)?.upstreamStatus === 404;
        if (!gone) throw err;
        this.logger.warn(`subscription ${s.id} is not at Lemon Squeezy; nothing to cancel`);
      }
    }
    const anonymous = await this.erasure.anonymise(event.userId);
    this.logger.log(
      { cancelled, anonymised: Boolean(anonymous), requestId: event.requestId },
      'payment data of a deleted user erased',
    );
    return { cancelled, anonymised: Boolean(anonymous) };
  }
}
