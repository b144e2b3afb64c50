import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each rotated refresh token names the token that replaced it, so a replay can be told apart:
 * the same browser retrying because it never saw the answer (its successor unused, seconds
 * later) or a stolen token used after its owner moved on (the successor already used).
 */
export class RefreshTokenSuccessor1795900000000 implements MigrationInterface {
  name = 'RefreshTokenSuccessor1795900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "refresh_tokens" ADD COLUMN "replaced_by" uuid`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "refresh_tokens" DROP COLUMN "replaced_by"`);
  }
}
