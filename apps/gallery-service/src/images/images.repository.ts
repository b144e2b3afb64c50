import { Injectable } from '@nestjs/common';
import { SqlRepository, type Tx } from '@pingvas/database';
import {
  type BoardContents,
  type ImageRow,
  type ListQuery,
  type NewImage,
  toImageRow,
} from './image-row';
import { filterSql } from './image-filter-sql';

const idsOf = (rows: { id: string }[]) => rows.map((r) => r.id);

/**
 * The images table, as the gallery changes and shows it (the PostgreSQL search backend's reads
 * are `PromptSearchRepository`'s). Deleted images are tombstones nobody sees.
 */
@Injectable()
export class ImagesRepository extends SqlRepository {
  /** Inserts what is new; answers the rows inserted (a replayed ingest inserts nothing). */
  async insert(tx: Tx, images: NewImage[]): Promise<ImageRow[]> {
    const inserted: ImageRow[] = [];
    for (const i of images) {
      const rows = await this.query(
        `INSERT INTO "images" ("id", "owner_id", "generation_id", "index", "model_id", "model_name",
           "prompt", "prompt_chosung", "negative_prompt", "seed", "width", "height", "steps",
           "guidance_scale", "storage_key", "thumbnail_key", "bytes", "board_id", "created_at")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         ON CONFLICT DO NOTHING RETURNING *`,
        [
          i.id,
          i.ownerId,
          i.generationId,
          i.index,
          i.modelId,
          i.modelName,
          i.prompt,
          i.promptChosung,
          i.negativePrompt,
          i.seed,
          i.width,
          i.height,
          i.steps,
          i.guidanceScale,
          i.storageKey,
          i.thumbnailKey,
          i.bytes,
          i.boardId,
          i.createdAt,
        ],
        tx,
      );
      if (rows[0]) inserted.push(toImageRow(rows[0]));
    }
    return inserted;
  }

  async findOwned(id: string, ownerId: string): Promise<ImageRow | undefined> {
    const rows = await this.query(
      `SELECT * FROM "images" WHERE "id" = $1 AND "owner_id" = $2 AND "deleted_at" IS NULL`,
      [id, ownerId],
    );
    return rows[0] ? toImageRow(rows[0]) : undefined;
  }

  /** Live images among `ids`, in the order of `ids`. */
  async byIds(ids: string[], ownerId?: string): Promise<ImageRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.query(
      `SELECT * FROM "images" WHERE "id" = ANY($1) AND "deleted_at" IS NULL
         AND ($2::uuid IS NULL OR "owner_id" = $2)`,
      [ids, ownerId ?? null],
    );
    const byId = new Map(rows.map((r) => [String(r.id), toImageRow(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async list(ownerId: string, query: ListQuery): Promise<ImageRow[]> {
    const params: unknown[] = [ownerId, query.limit];
    const where = [`"owner_id" = $1`, `"deleted_at" IS NULL`, ...filterSql(query, params)];
    const dir = query.order === 'newest' ? 'DESC' : 'ASC';
    if (query.after) {
      params.push(query.after.createdAt, query.after.id);
      const op = query.order === 'newest' ? '<' : '>';
      where.push(
        `("created_at", "id") ${op} ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
      );
    }
    const rows = await this.query(
      `SELECT * FROM "images" WHERE ${where.join(' AND ')}
       ORDER BY "created_at" ${dir}, "id" ${dir} LIMIT $2`,
      params,
    );
    return rows.map(toImageRow);
  }

  /** Sets what is given; answers the row after the change, or undefined when not the owner's. */
  async update(
    tx: Tx,
    id: string,
    ownerId: string,
    change: { starred?: boolean; boardId?: string | null },
  ): Promise<ImageRow | undefined> {
    const { rows } = await this.modify(
      `UPDATE "images" SET
         "starred" = coalesce($3, "starred"),
         "board_id" = CASE WHEN $4 THEN $5::uuid ELSE "board_id" END,
         "updated_at" = now()
       WHERE "id" = $1 AND "owner_id" = $2 AND "deleted_at" IS NULL RETURNING *`,
      [id, ownerId, change.starred ?? null, change.boardId !== undefined, change.boardId ?? null],
      tx,
    );
    return rows[0] ? toImageRow(rows[0]) : undefined;
  }

  /** Marks the owner's live images among `ids` deleted; answers their ids. */
  async softDelete(tx: Tx, ids: string[], ownerId: string): Promise<string[]> {
    const { rows } = await this.modify<{ id: string }>(
      `UPDATE "images" SET "deleted_at" = now(), "updated_at" = now()
       WHERE "id" = ANY($1) AND "owner_id" = $2 AND "deleted_at" IS NULL RETURNING "id"`,
      [ids, ownerId],
      tx,
    );
    return idsOf(rows);
  }

  /** Takes every live image off a board (before the board goes); answers their ids. */
  async detachFromBoard(tx: Tx, boardId: string, ownerId: string): Promise<string[]> {
    const { rows } = await this.modify<{ id: string }>(
      `UPDATE "images" SET "board_id" = NULL, "updated_at" = now()
       WHERE "board_id" = $1 AND "owner_id" = $2 AND "deleted_at" IS NULL RETURNING "id"`,
      [boardId, ownerId],
      tx,
    );
    return idsOf(rows);
  }

  /** Deletes every live image on a board; answers their ids. */
  async softDeleteBoard(tx: Tx, boardId: string, ownerId: string): Promise<string[]> {
    const { rows } = await this.modify<{ id: string }>(
      `UPDATE "images" SET "deleted_at" = now(), "updated_at" = now()
       WHERE "board_id" = $1 AND "owner_id" = $2 AND "deleted_at" IS NULL RETURNING "id"`,
      [boardId, ownerId],
      tx,
    );
    return idsOf(rows);
  }

  /** How many live images each board holds and the newest of them; every board is in the map. */
  async boardContents(boardIds: string[]): Promise<Map<string, BoardContents>> {
    const rows = await this.query<{
      id: string;
      image_count: number;
      cover_image_id: string | null;
    }>(
      `SELECT b."id",
         (SELECT count(*) FROM "images" i WHERE i."board_id" = b."id" AND i."deleted_at" IS NULL)::int
           AS image_count,
         (SELECT i."id" FROM "images" i WHERE i."board_id" = b."id" AND i."deleted_at" IS NULL
           ORDER BY i."created_at" DESC, i."id" DESC LIMIT 1) AS cover_image_id
       FROM unnest($1::uuid[]) AS b("id")`,
      [boardIds],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        { imageCount: Number(r.image_count ?? 0), coverImageId: r.cover_image_id ?? null },
      ]),
    );
  }

  /** Images changed since `since`: the live ones, and the ids of the deleted ones. */
  async changedSince(since: Date): Promise<{ live: ImageRow[]; deleted: string[] }> {
    const rows = await this.query(`SELECT * FROM "images" WHERE "updated_at" >= $1`, [since]);
    return {
      live: rows.filter((r) => r.deleted_at === null).map(toImageRow),
      deleted: rows.filter((r) => r.deleted_at !== null).map((r) => String(r.id)),
    };
  }

  /** Deleted images whose files are still there, deleted before `before`. */
  async filesToRemove(
    before: Date,
    limit: number,
  ): Promise<{ id: string; storageKey: string; thumbnailKey: string | null }[]> {
    const rows = await this.query<{
      id: string;
      storage_key: string;
      thumbnail_key: string | null;
    }>(
      `SELECT "id", "storage_key", "thumbnail_key" FROM "images"
       WHERE "deleted_at" IS NOT NULL AND "files_removed_at" IS NULL AND "deleted_at" < $1
       ORDER BY "deleted_at" LIMIT $2`,
      [before, limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      storageKey: String(r.storage_key),
      thumbnailKey: r.thumbnail_key ?? null,
    }));
  }

  async markFilesRemoved(id: string): Promise<void> {
    await this.query(`UPDATE "images" SET "files_removed_at" = now() WHERE "id" = $1`, [id]);
  }

  /**
   * One page of the owner's live images for their data export, oldest first; `after` is the
   * last row of the previous page (compared at the stored millisecond precision).
   */
  async exportPage(
    ownerId: string,
    limit: number,
    after?: { createdAt: string; id: string },
  ): Promise<ImageRow[]> {
    const params: unknown[] = [ownerId, limit];
    let where = `"owner_id" = $1 AND "deleted_at" IS NULL`;
    if (after) {
      params.push(after.createdAt, after.id);
      where += ` AND (date_trunc('milliseconds', "created_at"), "id") > ($3::timestamptz, $4::uuid)`;
    }
    const rows = await this.query(
      `SELECT * FROM "images" WHERE ${where}
       ORDER BY date_trunc('milliseconds', "created_at"), "id" LIMIT $2`,
      params,
    );
    return rows.map(toImageRow);
  }

  /** The live images on each of these boards, oldest first; every board is in the map. */
  async idsOnBoards(boardIds: string[]): Promise<Map<string, string[]>> {
    const rows = await this.query<{ id: string; board_id: string }>(
      `SELECT "id", "board_id" FROM "images" WHERE "board_id" = ANY($1) AND "deleted_at" IS NULL
       ORDER BY "created_at", "id"`,
      [boardIds],
    );
    const onBoard = new Map(boardIds.map((id) => [id, [] as string[]]));
    for (const r of rows) onBoard.get(r.board_id)?.push(r.id);
    return onBoard;
  }

  /** Every image of the owner, tombstones too, with the keys of its files (for an erasure). */
  async filesOfOwner(
    ownerId: string,
  ): Promise<{ id: string; storageKey: string; thumbnailKey: string | null }[]> {
    const rows = await this.query<{
      id: string;
      storage_key: string;
      thumbnail_key: string | null;
    }>(`SELECT "id", "storage_key", "thumbnail_key" FROM "images" WHERE "owner_id" = $1`, [
      ownerId,
    ]);
    return rows.map((r) => ({
      id: String(r.id),
      storageKey: String(r.storage_key),
      thumbnailKey: r.thumbnail_key ?? null,
    }));
  }

  /** Deletes every image row of the owner, tombstones too; answers their ids. */
  async deleteAllOfOwner(tx: Tx, ownerId: string): Promise<string[]> {
    const { rows } = await this.modify<{ id: string }>(
      `DELETE FROM "images" WHERE "owner_id" = $1 RETURNING "id"`,
      [ownerId],
      tx,
    );
    return idsOf(rows);
  }

  /** Every live image, in batches by id (for a full reindex). */
  async *liveBatches(size: number): AsyncGenerator<ImageRow[]> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await this.query(
        `SELECT * FROM "images" WHERE "deleted_at" IS NULL AND "id" > $1 ORDER BY "id" LIMIT $2`,
        [after, size],
      );
      if (rows.length === 0) return;
      yield rows.map(toImageRow);
      after = String(rows[rows.length - 1].id);
    }
  }
}
