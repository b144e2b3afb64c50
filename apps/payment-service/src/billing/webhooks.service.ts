import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AppError,
  APP_CONFIG,
  MAX_JSON_DEPTH,
  nestsDeeperThan,
  unstorableTextFields,
} from '@pingvas/common';
import type { PaymentServiceConfig } from '../config';
import { CreditLedger } from '../credits/credit-ledger';
import { BillingEvents, PROVIDER } from './billing-events';
import { BillingMail, type Recipient } from './billing-mail';
import {
  InvoiceAttributes,
  type LemonSqueezyEvent,
  OrderAttributes,
  parseLemonSqueezyEvent,
  SUBSCRIPTION_EVENTS,
} from './lemon-squeezy.events';
import { SubscriptionsRepository } from './subscriptions.repository';
import { WebhookEventsRepository } from './webhook-events.repository';

/** What Lemon Squeezy's bodies say of the person; dropped once the person is erased. */
export const PERSONAL_ATTRIBUTES = [
  'user_email',
  'user_name',
  'card_last_four',
  'card_brand',
  'urls',
];

/** Events that may mail the customer: a receipt, or a failed renewal. */
const MAILING_EVENTS = new Set([
  'order_created',
  'subscription_payment_success',
  'subscription_payment_failed',
  'subscription_created',
]);

/**
 * Lemon Squeezy webhooks: the signature is checked over the raw bytes before anything is
 * parsed; each distinct body is stored once (a redelivery does nothing) and applied in the
 * same transaction, so an event is either recorded and applied, or neither (and retried).
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    private readonly events: WebhookEventsRepository,
    private readonly ledger: CreditLedger,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly billing: BillingEvents,
    private readonly mail: BillingMail,
    @Inject(APP_CONFIG) private readonly config: PaymentServiceConfig,
  ) {}

  async receive(
    raw: Buffer,
    signature: string | undefined,
  ): Promise<{ received: true; outcome: string }> {
    const secret = this.config.lemonSqueezy.webhookSecret;
    if (!secret)
      throw new AppError(
        'BILLING_UNAVAILABLE',
        'Billing webhooks are not configured on this server',
      );
    const expected = createHmac('sha256', secret).update(raw).digest();
    const given =
      typeof signature === 'string' && /^[0-9a-f]{64}$/i.test(signature)
        ? Buffer.from(signature, 'hex')
        : undefined;
    if (!given || !timingSafeEqual(expected, given)) {
      throw new AppError('BAD_SIGNATURE', 'The X-Signature header does not match the body');
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new AppError('MALFORMED_BODY', 'The signed body is not JSON');
    }
    // The body is stored as jsonb: refused here as every other body is, not by PostgreSQL.
    if (nestsDeeperThan(body, MAX_JSON_DEPTH))
      throw new AppError(
        'BODY_TOO_DEEP',
        `The signed body nests deeper than ${MAX_JSON_DEPTH} levels`,
      );
    const unstorable = unstorableTextFields(body);
    if (unstorable.length > 0)
      throw new AppError(
        'VALIDATION_FAILED',
        'The signed body holds text that cannot be stored (NUL or unpaired surrogates)',
        unstorable.map((field) => ({
          field,
          problems: [`${field} must not contain NUL or unpaired surrogates`],
        })),
      );
    const parsed = parseLemonSqueezyEvent(body);
    if (!parsed)
      throw new AppError('VALIDATION_FAILED', 'meta.event_name is missing or not a string');
    const { event, payload } = await this.forErased(parsed, raw.toString('utf8'));

    // Asked before the transaction: no RPC while the event's rows are locked.
    const recipient = MAILING_EVENTS.has(event.name) ? await this.recipientOf(event) : undefined;
    // Opened by the ledger, so the credits an event moves are counted once it commits.
    const outcome = await this.ledger.transaction(async (tx) => {
      const storedId = await this.events.store(
        {
          provider: PROVIDER,
          name: event.name,
          bodySha256: createHash('sha256').update(raw).digest('hex'),
          payload,
        },
        tx,
      );
      if (!storedId) return 'duplicate';
      const result = await this.billing.apply(event, recipient, tx);
      await this.events.setOutcome(storedId, result, tx);
      return result;
    });
    if (recipient) this.mail.flush();
    this.logger.log({ event: event.name, outcome }, 'Lemon Squeezy webhook');
    return { received: true, outcome };
  }

  /**
   * An event about a subscription whose owner was erased still names them (Lemon Squeezy sends
   * `subscription_cancelled` after the erasure's own cancel): it is stored and applied as the
   * anonymous owner's, without the address and name Lemon Squeezy sent.
   */
  private async forErased(
    event: LemonSqueezyEvent,
    payload: string,
  ): Promise<{ event: LemonSqueezyEvent; payload: string }> {
    if (!event.userId) return { event, payload };
    const subscriptionId = SUBSCRIPTION_EVENTS.has(event.name)
      ? event.id
      : InvoiceAttributes.safeParse(event.attributes).data?.subscription_id;
    const owner = subscriptionId
      ? (await this.subscriptions.get(subscriptionId))?.userId
      : undefined;
    if (!owner || owner === event.userId) return { event, payload };
    const body = JSON.parse(payload.replace(new RegExp(event.userId, 'gi'), owner)) as {
      data?: { attributes?: Record<string, unknown> };
    };
    for (const field of PERSONAL_ATTRIBUTES) delete body.data?.attributes?.[field];
    return {
      event: { ...event, userId: owner, attributes: body.data?.attributes ?? {} },
      payload: JSON.stringify(body),
    };
  }

  /** Whom the event's mail would go to: its linked user, else the subscription's owner. */
  private async recipientOf(event: LemonSqueezyEvent): Promise<Recipient | undefined> {
    const invoice = InvoiceAttributes.safeParse(event.attributes).data;
    const order = OrderAttributes.safeParse(event.attributes).data;
    let userId = event.userId;
    if (!userId && invoice?.subscription_id)
      userId = (await this.subscriptions.get(invoice.subscription_id))?.userId;
    return this.mail.recipient(userId, invoice?.user_email ?? order?.user_email);
  }
}
