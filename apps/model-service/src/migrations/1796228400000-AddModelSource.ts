import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A package may live in the blob store (`source` storage, `path` its key prefix) as well as on disk. */
export class AddModelSource1796228400000 implements MigrationInterface {
  name = 'AddModelSource1796228400000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE "models" ADD COLUMN "source" text NOT NULL DEFAULT 'local' CHECK ("source" IN ('local', 'storage'))`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DELETE FROM "models" WHERE "source" = 'storage'`);
    await runner.query(`ALTER TABLE "models" DROP COLUMN "source"`);
  }
}
