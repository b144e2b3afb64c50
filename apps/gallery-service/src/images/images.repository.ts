import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SearchDocument } from '../search/image-search';

export interface ImageRow {
  id: string;
  ownerId: string;
  generationId: string;
  index: number;
  modelId: string;
  modelName: string;
  prompt: string;
  negativePrompt: string | null;
  seed: number;
  width: number;
  height: number;
  steps: number;
  guidanceScale: number;
  storageKey: string;
  thumbnailKey: string | null;
  bytes: number;
  boardId: string | null;
  starred: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type NewImage = Omit<ImageRow, 'updatedAt' | 'starred'> & { promptChosung: string };

export interface ImageFilters {
  /** A board id, or 'none' for images on no board. */
  boardId?: string;
  starred?: boolean;
  modelId?: string;
  from?: Date;
  to?: Date;
}

export interface ListQuery extends ImageFilters {
  order: 'newest' | 'oldest';
  limit: number;
  after?: { createdAt: string; id: string };
}

function toRow(r: Record<string, unknown>): ImageRow {
  return {
    id: String(r.id),
    ownerId: String(r.owner_id),
    generationId: String(r.generation_id),
    index: Number(r.index),
    modelId: String(r.model_id),
    modelName: String(r.model_name),
    prompt: String(r.prompt),
    negativePrompt: (r.negative_prompt as string | null) ?? null,
    seed: Number(r.seed),
    width: Number(r.width),
    height: Number(r.height),
    steps: Number(r.steps),
    guidanceScale: Number(r.guidance_scale),
    storageKey: String(r.storage_key),
    thumbnailKey: (r.thumbnail_key as string | null) ?? null,
    bytes: Number(r.bytes),
    boardId: (r.board_id as string | null) ?? null,
    starred: Boolean(r.starred),
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

export function searchDocument(row: ImageRow): SearchDocument {
  return {
    id: row.id,
    ownerId: row.ownerId,
    prompt: row.prompt,
    negativePrompt: row.negativePrompt,
    modelId: row.modelId,
    modelName: row.modelName,
    boardId: row.boardId,
    starred: row.starred,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Adds the filters shared by listing and search to `where` (owner and liveness are always
 * there). `params` grows with each value; placeholders follow its length.
 */
export function filterSql(filters: ImageFilters, params: unknown[], alias = ''): string[] {
  const col = (name: string) => `${alias}"${name}"`;
  const where: string[] = [];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filters.boardId === 'none') where.push(`${col('board_id')} IS NULL`);
  else if (filters.boardId) add((n) => `${col('board_id')} = ${n}`, filters.boardId);
  if (filters.starred !== undefined) add((n) => `${col('starred')} = ${n}`, filters.starred);
  if (filters.modelId) add((n) => `${col('model_id')} = ${n}`, filters.modelId);
  if (filters.from) add((n) => `${col('created_at')} >= ${n}`, filters.from);
  if (filters.to) add((n) => `${col('created_at')} < ${n}`, filters.to);
  return where;
}

/** One repository for the images table; deleted images are tombstones nobody sees. */
@Injectable()
export class ImagesRepository {
  constructor(readonly dataSource: DataSource) {}

  private q(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  /** Inserts what is new; answers the rows inserted (a replayed ingest inserts nothing). */
  async insert(manager: EntityManager, images: NewImage[]): Promise<ImageRow[]> {
    const inserted: ImageRow[] = [];
    for (const i of images) {
      const rows = await manager.query(
        `INSERT INTO "images" ("id", "owner_id", "generation_id", "index", "model_id", "model_name",
           "prompt", "prompt_chosung", "negative_prompt", "seed", "width", "height", "steps",
           "guidance_scale", "storage_key", "thumbnail_key", "bytes", "board_id", "created_at")
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
           (SELECT "id" FROM "boards" WHERE "id" = $18 AND "owner_id" = $2), $19)
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
      );
      if (rows[0]) inserted.push(toRow(rows[0]));
    }
    return inserted;
  }

  async findOwned(id: string, ownerId: string): Promise<ImageRow | undefined> {
    const rows = await this.q().query(
      `SELECT * FROM "images" WHERE "id" = $1 AND "owner_id" = $2 AND "deleted_at" IS NULL`,
      [id, ownerId],
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** Live images among `ids`, in the order of `ids`. */
  async byIds(ids: string[], ownerId?: string): Promise<ImageRow[]> {
    if (ids.length === 0) return [];
    const rows: Record<string, unknown>[] = await this.q().query(
      `SELECT * FROM "images" WHERE "id" = ANY($1) AND "deleted_at" IS NULL
         AND ($2::uuid IS NULL OR "owner_id" = $2)`,
      [ids, ownerId ?? null],
    );
    const byId = new Map(rows.map((r) => [String(r.id), toRow(r)]));
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
    const rows = await this.q().query(
      `SELECT * FROM "images" WHERE ${where.join(' AND ')}
       ORDER BY "created_at" ${dir}, "id" ${dir} LIMIT $2`,
      params,
    );
    return rows.map(toRow);
  }

  /** Sets what is given; answers the row after the change, or undefined when not the owner's. */
  async update(
    manager: EntityManager,
    id: string,
    ownerId: string,
    change: { starred?: boolean; boardId?: string | null },
  ): Promise<ImageRow | undefined> {
    const [rows] = await manager.query(
      `UPDATE "images" SET
         "starred" = coalesce($3, "starred"),
         "board_id" = CASE WHEN $4 THEN $5::uuid ELSE "board_id" END,
         "updated_at" = now()
       WHERE "id" = $1 AND "owner_id" = $2 AND "deleted_at" IS NULL RETURNING *`,
      [id, ownerId, change.starred ?? null, change.boardId !== undefined, change.boardId ?? null],
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** Marks the owner's live images among `ids` deleted; answers their ids. */
  async softDelete(manager: EntityManager, ids: string[], ownerId: string): Promise<string[]> {
    const [rows] = await manager.query(
      `UPDATE "images" SET "deleted_at" = now(), "updated_at" = now()
       WHERE "id" = ANY($1) AND "owner_id" = $2 AND "deleted_at" IS NULL RETURNING "id"`,
      [ids, ownerId],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  /** Takes every live image off a board (before the board goes); answers their ids. */
  async detachFromBoard(
    manager: EntityManager,
    boardId: string,
    ownerId: string,
  ): Promise<string[]> {
    const [rows] = await manager.query(
      `UPDATE "images" SET "board_id" = NULL, "updated_at" = now()
       WHERE "board_id" = $1 AND "owner_id" = $2 AND "deleted_at" IS NULL RETURNING "id"`,
      [boardId, ownerId],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  /** Images changed since `since`: the live ones, and the ids of the deleted ones. */
  async changedSince(since: Date): Promise<{ live: ImageRow[]; deleted: string[] }> {
    const rows: Record<string, unknown>[] = await this.q().query(
      `SELECT * FROM "images" WHERE "updated_at" >= $1`,
      [since],
    );
    return {
      live: rows.filter((r) => r.deleted_at === null).map(toRow),
      deleted: rows.filter((r) => r.deleted_at !== null).map((r) => String(r.id)),
    };
  }

  /** Deletes every live image on a board; answers their ids. */
  async softDeleteBoard(
    manager: EntityManager,
    boardId: string,
    ownerId: string,
  ): Promise<string[]> {
    const [rows] = await manager.query(
      `UPDATE "images" SET "deleted_at" = now(), "updated_at" = now()
       WHERE "board_id" = $1 AND "owner_id" = $2 AND "deleted_at" IS NULL RETURNING "id"`,
      [boardId, ownerId],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  /** Deleted images whose files are still there, deleted before `before`. */
  async filesToRemove(
    before: Date,
    limit: number,
  ): Promise<{ id: string; storageKey: string; thumbnailKey: string | null }[]> {
    const rows = await this.q().query(
      `SELECT "id", "storage_key", "thumbnail_key" FROM "images"
       WHERE "deleted_at" IS NOT NULL AND "files_removed_at" IS NULL AND "deleted_at" < $1
       ORDER BY "deleted_at" LIMIT $2`,
      [before, limit],
    );
    return rows.map((r: Record<string, unknown>) => ({
      id: String(r.id),
      storageKey: String(r.storage_key),
      thumbnailKey: (r.thumbnail_key as string | null) ?? null,
    }));
  }

  async markFilesRemoved(id: string): Promise<void> {
    await this.q().query(`UPDATE "images" SET "files_removed_at" = now() WHERE "id" = $1`, [id]);
  }

  /** Every live image, in batches by id (for a full reindex). */
  async *liveBatches(size: number): AsyncGenerator<ImageRow[]> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await this.q().query(
        `SELECT * FROM "images" WHERE "deleted_at" IS NULL AND "id" > $1 ORDER BY "id" LIMIT $2`,
        [after, size],
      );
      if (rows.length === 0) return;
      yield rows.map(toRow);
      after = String(rows[rows.length - 1].id);
    }
  }
}
