import { Outbox, RELAYED_RETENTION_HOURS } from '@pingvas/messaging';
import { connectToSchema, eventually, type SchemaSql, uniqueName } from '@pingvas/testing';
import request from 'supertest';
import {
  bootUserService,
  newAccount,
  type UserServiceUnderTest,
} from '../../../test/support/user-service';

/**
 * Relayed outbox rows carry personal data (`user.created` holds the address): they are kept
 * RELAYED_RETENTION_HOURS to see what went out, then removed.
 */
describe('user-service: the outbox forgets what it relayed', () => {
  let svc: UserServiceUnderTest;
  let db: { sql: SchemaSql; end(): Promise<void> };

  beforeAll(async () => {
    svc = await bootUserService(uniqueName('t'), { AUTH_RATE_LIMIT_PER_MINUTE: '10000' });
    db = await connectToSchema(svc.schema.schema);
  });

  afterAll(async () => {
    await db?.end();
    await svc?.stop();
  });

  it('removes relayed rows older than the retention, and only those', async () => {
    const emails = [newAccount().email, newAccount().email];
    for (const email of emails) {
      await request(svc.url)
        .post('/api/v1/auth/signup')
        .send({ ...newAccount(), email })
        .expect(201);
    }
    const rowsOf = (email: string) =>
      db.sql<{ id: string; published_at: Date | null }>(
        `SELECT "id", "published_at" FROM "outbox_user" WHERE "payload"::text LIKE $1`,
        [`%${email}%`],
      );
    await eventually(
      async () => {
        const rows = [...(await rowsOf(emails[0])), ...(await rowsOf(emails[1]))];
        return rows.length >= 2 && rows.every((r) => r.published_at) ? true : undefined;
      },
      10_000,
      'both sign-ups relayed',
    );
    // The first sign-up's rows went out just past the retention.
    await db.sql(
      `UPDATE "outbox_user" SET "published_at" = now() - make_interval(hours => $2, mins => 1)
        WHERE "payload"::text LIKE $1`,
      [`%${emails[0]}%`, RELAYED_RETENTION_HOURS],
    );
    const removed = await svc.app.get(Outbox).pruneRelayed();

    expect(removed).toBeGreaterThanOrEqual(1);
    expect(await rowsOf(emails[0])).toEqual([]);
    expect((await rowsOf(emails[1])).length).toBeGreaterThanOrEqual(1);
  });
});
