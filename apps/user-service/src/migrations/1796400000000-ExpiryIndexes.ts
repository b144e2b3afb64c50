import { createIndexOnline } from '@pingvas/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the user-maintenance job deletes, by the moment each row stopped mattering: a refresh
 * token's and an export link's expiry, and a mailed token's use or expiry, whichever came first
 * (LEAST skips a NULL `used_at`). Built outside a transaction, CONCURRENTLY where the table has
 * rows: refresh_tokens is the biggest table here and takes a write at every refresh.
 */
export class ExpiryIndexes1796400000000 implements MigrationInterface {
  name = 'ExpiryIndexes1796400000000';
  transaction = false;

  async up(runner: QueryRunner): Promise<void> {
    await createIndexOnline(runner, 'refresh_tokens', 'refresh_tokens_expires', `("expires_at")`);
    await createIndexOnline(
      runner,
      'email_tokens',
      'email_tokens_spent',
      `(LEAST("expires_at", "used_at"))`,
    );
    await createIndexOnline(runner, 'exports', 'exports_expires', `("expires_at")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX IF EXISTS "exports_expires"`);
    await runner.query(`DROP INDEX IF EXISTS "email_tokens_spent"`);
    await runner.query(`DROP INDEX IF EXISTS "refresh_tokens_expires"`);
  }
}
