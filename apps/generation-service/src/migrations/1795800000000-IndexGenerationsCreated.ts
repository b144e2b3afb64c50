import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `active_users` counts distinct users of the last 30 days at every Prometheus scrape; without
 * an index on created_at that is a scan of the whole table every 15 s per replica.
 */
export class IndexGenerationsCreated1795800000000 implements MigrationInterface {
  name = 'IndexGenerationsCreated1795800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE INDEX "generations_created" ON "generations" ("created_at", "user_id")`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "generations_created"`);
  }
}
