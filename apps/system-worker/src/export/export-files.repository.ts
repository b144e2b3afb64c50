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
}
