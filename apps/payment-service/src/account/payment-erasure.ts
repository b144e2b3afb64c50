import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { QueueNames } from '@pingvas/contracts';
import { Outbox } from '@pingvas/messaging';
import { mailId } from '../billing/billing-mail';
import { SubscriptionsRepository } from '../billing/subscriptions.repository';
import { WebhookEventsRepository } from '../billing/webhook-events.repository';
import { PERSONAL_ATTRIBUTES } from '../billing/webhooks.service';
import { CreditAccountsRepository } from '../credits/credit-accounts.repository';
import { ReservationsRepository } from '../credits/reservations.repository';

/**
 * Erasure (DESIGN §16): what payment-service holds of a user is handed, in one transaction,
 * to a fresh random id that names nobody. The ledger and the balance stay (accounting keeps
 * them) and still sum up; webhook events lose the address and name Lemon Squeezy sent; the
 * billing mail queued for them goes. A second run finds nothing of the user and changes nothing.
 */
@Injectable()
export class PaymentErasure {
  constructor(
    private readonly accounts: CreditAccountsRepository,
    private readonly reservations: ReservationsRepository,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly events: WebhookEventsRepository,
    private readonly outbox: Outbox,
  ) {}

  /** The anonymous id the user's rows now carry, or undefined when nothing named them. */
  async anonymise(userId: string): Promise<string | undefined> {
    const anonymous = randomUUID();
    return this.accounts.transaction(async (tx) => {
      // Locks in this order: the account, the subscriptions, then the events.
      const account = await this.accounts.lockForErasure(userId, tx);
      const subscriptionIds = await this.subscriptions.idsOfForUpdate(userId, tx);
      const events = await this.events.aboutUserForUpdate(userId, subscriptionIds, tx);
      let changed = account || subscriptionIds.length > 0 || events.length > 0;
      const ledger = await this.accounts.anonymise(userId, anonymous, account, tx);
      const reservations = await this.reservations.reassign(userId, anonymous, tx);
      await this.subscriptions.anonymise(userId, anonymous, tx);
      if (events.length > 0) {
        await this.events.scrub(
          events.map((e) => e.id),
          userId,
          anonymous,
          PERSONAL_ATTRIBUTES,
          tx,
        );
        // The receipts and dunning mail of those events, and anything else queued to that address.
        const jobIds = events.flatMap((e) =>
          e.dataId
            ? [
                mailId('receipt', e.dataId),
                mailId('receipt', 'invoice', e.dataId),
                mailId('payment-failed', e.dataId),
              ]
            : [],
        );
        const emails = [...new Set(events.map((e) => e.email).filter((e): e is string => !!e))];
        await this.outbox.purge(
          { queue: QueueNames.systemEmail, jobIds, fields: { to: emails } },
          tx,
        );
      }
      changed ||= ledger > 0 || reservations > 0;
      return changed ? anonymous : undefined;
    });
  }
}
