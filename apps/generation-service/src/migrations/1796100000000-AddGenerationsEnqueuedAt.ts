import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the generation's job was confirmed in its tier queue. A queued generation without it
 * may still be on its way there (the submit is between its insert and its queue add); one with
 * it whose job is gone was lost by Redis, and can be judged at once instead of after the grace.
 */
export class AddGenerationsEnqueuedAt1796100000000 implements MigrationInterface {
  name = 'AddGenerationsEnqueuedAt1796100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "generations" ADD COLUMN "enqueued_at" timestamptz`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "generations" DROP COLUMN "enqueued_at"`);
  }
}
