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

/** An event that names a user, with what its body says of the order and the address. */
export interface EventAboutUser {
  id: string;
  /** The Lemon Squeezy object's id (`data.id`). */
  dataId: string | null;
  /** `data.attributes.user_email`. */
  email: string | null;
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

  /**
   * Erasure: the events whose body mentions the user's id or is about one of their
   * subscriptions, locked until `tx` ends.
   */
  async aboutUserForUpdate(
    userId: string,
    subscriptionIds: string[],
    tx: Tx,
  ): Promise<EventAboutUser[]> {
    const rows = await this.query<{ id: string; data_id: string | null; email: string | null }>(
      `SELECT "id", "payload"->'data'->>'id' AS data_id,
              "payload"->'data'->'attributes'->>'user_email' AS email
         FROM "webhook_events"
        WHERE strpos("payload"::text, $1) > 0
           OR ("payload"->'data'->>'type' = 'subscriptions' AND "payload"->'data'->>'id' = ANY($2))
           OR "payload"->'data'->'attributes'->>'subscription_id' = ANY($2)
        FOR UPDATE`,
      [userId, subscriptionIds],
      tx,
    );
    return rows.map((r) => ({ id: r.id, dataId: r.data_id, email: r.email }));
  }

  /**
   * Erasure: in the events `ids`, `userId` becomes `anonymous` and the `attributes` (the
   * service's constant list of personal fields, never input) are removed.
   */
  async scrub(
    ids: string[],
    userId: string,
    anonymous: string,
    attributes: readonly string[],
    tx: Tx,
  ): Promise<void> {
    const scrubbed = attributes.map((a) => `#- '{data,attributes,${a}}'`).join(' ');
    await this.query(
      `UPDATE "webhook_events" SET "payload" = replace("payload"::text, $2, $3)::jsonb ${scrubbed}
        WHERE "id" = ANY($1)`,
      [ids, userId, anonymous],
      tx,
    );
  }
}
