import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SqlRepository, type Tx } from '@pingvas/database';

export interface NewWebhookEvent {
  provider: string;
  name: string;
  bodySha256: string;
  /** The raw body, stored as jsonb. */
  payload: string;
}

/** `webhook_events`: each distinct body of a provider once, with what applying it did. */
@Injectable()
export class WebhookEventsRepository extends SqlRepository {
  /** Stores the event as received; its id, or undefined when this body was stored before. */
  async store(event: NewWebhookEvent, tx: Tx): Promise<string | undefined> {
    const [stored] = await this.query<{ id: string }>(
      `INSERT INTO "webhook_events" ("id", "provider", "event_name", "body_sha256", "payload", "outcome")
       VALUES ($1, $2, $3, $4, $5, 'received') ON CONFLICT ("provider", "body_sha256") DO NOTHING RETURNING "id"`,
      [randomUUID(), event.provider, event.name, event.bodySha256, event.payload],
      tx,
    );
    return stored?.id;
  }

  async setOutcome(id: string, outcome: string, tx: Tx): Promise<void> {
    await this.query(
      `UPDATE "webhook_events" SET "outcome" = $2 WHERE "id" = $1`,
      [id, outcome],
      tx,
    );
  }

  /** Invoices deferred until their subscription was known, with their bodies. */
  async deferredInvoicesOf(
    provider: string,
    subscriptionId: string,
    tx: Tx,
  ): Promise<{ id: string; payload: unknown }[]> {
    return this.query<{ id: string; payload: unknown }>(
      `SELECT "id", "payload" FROM "webhook_events"
       WHERE "provider" = $1 AND "outcome" LIKE 'deferred:%' AND "payload"->'data'->'attributes'->>'subscription_id' = $2`,
      [provider, subscriptionId],
      tx,
    );
  }
}
