import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '@pingvas/common';
import {
  DEFAULT_LOCALE,
  type EmailJob,
  type EmailMessage,
  type Locale,
  QueueNames,
  SystemJobNames,
} from '@pingvas/contracts';
import type { Tx } from '@pingvas/database';
import { Outbox, RpcClient } from '@pingvas/messaging';

/** Who a billing mail goes to, and in which language. */
export interface Recipient {
  to: string;
  locale: Locale;
}

/** How long a webhook waits for user-service before it falls back to Lemon Squeezy's address. */
const PROFILE_TIMEOUT_MS = 3000;

/** A message id (the BullMQ job id) from Lemon Squeezy's ids: never a ':' in it. */
export const mailId = (...parts: string[]) => parts.join('-').replace(/[^A-Za-z0-9_-]/g, '_');

/**
 * Receipts and dunning mail, handed to the system worker through the outbox in the
 * transaction that applies the webhook: a mail exists if and only if the event was applied,
 * and a redelivered event (stored once) queues nothing again.
 */
@Injectable()
export class BillingMail {
  private readonly logger = new Logger(BillingMail.name);

  constructor(
    private readonly outbox: Outbox,
    private readonly rpc: RpcClient,
  ) {}

  /**
   * Asked before the webhook's transaction (no RPC while rows are locked). The account's
   * address and language come from user-service; when it cannot answer in time the mail goes
   * to the address the customer paid with (Lemon Squeezy's `user_email`) in the default
   * language, rather than failing the webhook: Lemon Squeezy redelivers only three times,
   * within minutes, and the credits the event grants must not wait on user-service. A user
   * user-service no longer knows (erased) gets no mail.
   */
  async recipient(userId: string | undefined, paidWith?: string): Promise<Recipient | undefined> {
    if (!userId) return paidWith ? { to: paidWith, locale: DEFAULT_LOCALE } : undefined;
    try {
      const profile = await this.rpc.send(
        'user.users.get',
        { id: userId },
        { timeoutMs: PROFILE_TIMEOUT_MS },
      );
      return { to: profile.email, locale: profile.locale ?? DEFAULT_LOCALE };
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return undefined;
      this.logger.warn(
        `user-service did not answer for the mail to ${userId}; using the checkout's address: ${String(err)}`,
      );
      return paidWith ? { to: paidWith, locale: DEFAULT_LOCALE } : undefined;
    }
  }

  /**
   * Queues one message in `tx`; false when there is nobody to send it to or it was queued
   * before (the same order in another body: Lemon Squeezy's retries may differ).
   */
  async queue(
    tx: Tx,
    recipient: Recipient | undefined,
    messageId: string,
    message: EmailMessage,
  ): Promise<boolean> {
    if (!recipient) return false;
    if (await this.outbox.holds(QueueNames.systemEmail, messageId, tx)) return false;
    const job = { ...message, messageId, to: recipient.to, locale: recipient.locale } as EmailJob;
    await this.outbox.add(tx, {
      queue: QueueNames.systemEmail,
      name: SystemJobNames.sendEmail,
      jobId: messageId,
      payload: job,
    });
    return true;
  }

  /** After the transaction committed: publish now rather than on the relay's next tick. */
  flush(): void {
    void this.outbox.flush();
  }
}
