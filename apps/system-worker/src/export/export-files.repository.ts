import { Injectable } from '@nestjs/common';
import { SqlRepository } from '@pingvas/database';

/** The export zips the worker wrote, so a user's erasure can find and delete them. */
@Injectable()
export class ExportFilesRepository extends SqlRepository {
  async written(exportId: string, userId: string, blobKey: string, bytes: number): Promise<void> {
    await this.query(
      `INSERT INTO "export_files" ("export_id", "user_id", "blob_key", "bytes")
       VALUES ($1, $2, $3, $4)
       ON CONFLICT ("export_id") DO UPDATE
         SET "blob_key" = EXCLUDED."blob_key", "bytes" = EXCLUDED."bytes", "written_at" = now()`,
      [exportId, userId, blobKey, bytes],
    );
  }

  async keysOf(userId: string): Promise<string[]> {
    const rows = await this.query<{ blob_key: string }>(
      `SELECT "blob_key" FROM "export_files" WHERE "user_id" = $1`,
      [userId],
    );
    return rows.map((r) => r.blob_key);
  }

  async forget(userId: string, blobKeys: string[]): Promise<void> {
    await this.query(`DELETE FROM "export_files" WHERE "user_id" = $1 AND "blob_key" = ANY($2)`, [
      userId,
      blobKeys,
    ]);
  }

  /** Zips written before `before`, oldest first. */
  async expired(
    before: Date,
    limit: number,
  ): Promise<{ exportId: string; userId: string; blobKey: string }[]> {
    const rows = await this.query<{ export_id: string; user_id: string; blob_key: string }>(
      `SELECT "export_id", "user_id", "blob_key" FROM "export_files"
        WHERE "written_at" < $1 ORDER BY "written_at" LIMIT $2`,
      [before, limit],
    );
    return rows.map((r) => ({ exportId: r.export_id, userId: r.user_id, blobKey: r.blob_key }));
  }

  /** Forgets one zip, unless it was written again (a retried build) since `before`. */
  async expire(exportId: string, before: Date): Promise<void> {
    await this.query(`DELETE FROM "export_files" WHERE "export_id" = $1 AND "written_at" < $2`, [
      exportId,
      before,
    ]);
  }
}
