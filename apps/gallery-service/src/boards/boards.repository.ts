import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface BoardRow {
  id: string;
  ownerId: string;
  name: string;
  imageCount: number;
  /** The newest image on the board. */
  coverImageId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const SELECT_BOARDS = `
  SELECT b.*,
    (SELECT count(*) FROM "images" i WHERE i."board_id" = b."id" AND i."deleted_at" IS NULL)::int
      AS image_count,
    (SELECT i."id" FROM "images" i WHERE i."board_id" = b."id" AND i."deleted_at" IS NULL
      ORDER BY i."created_at" DESC, i."id" DESC LIMIT 1) AS cover_image_id
  FROM "boards" b`;

function toRow(r: Record<string, unknown>): BoardRow {
  return {
    id: String(r.id),
    ownerId: String(r.owner_id),
    name: String(r.name),
    imageCount: Number(r.image_count ?? 0),
    coverImageId: (r.cover_image_id as string | null) ?? null,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

@Injectable()
export class BoardsRepository {
  constructor(readonly dataSource: DataSource) {}

  async list(ownerId: string): Promise<BoardRow[]> {
    const rows = await this.dataSource.query(
      `${SELECT_BOARDS} WHERE b."owner_id" = $1 ORDER BY b."created_at", b."id"`,
      [ownerId],
    );
    return rows.map(toRow);
  }

  async findOwned(
    id: string,
    ownerId: string,
    manager?: EntityManager,
  ): Promise<BoardRow | undefined> {
    const rows = await (manager ?? this.dataSource.manager).query(
      `${SELECT_BOARDS} WHERE b."id" = $1 AND b."owner_id" = $2`,
      [id, ownerId],
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  async isOwned(id: string, ownerId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM "boards" WHERE "id" = $1 AND "owner_id" = $2`,
      [id, ownerId],
    );
    return rows.length > 0;
  }

  async count(ownerId: string): Promise<number> {
    const [{ n }] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM "boards" WHERE "owner_id" = $1`,
      [ownerId],
    );
    return Number(n);
  }

  /** Undefined when the owner already has a board of that name (case-insensitive). */
  async insert(id: string, ownerId: string, name: string): Promise<BoardRow | undefined> {
    const rows = await this.dataSource.query(
      `INSERT INTO "boards" ("id", "owner_id", "name") VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING *`,
      [id, ownerId, name],
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** 'taken' when another of the owner's boards has that name. */
  async rename(
    id: string,
    ownerId: string,
    name: string,
  ): Promise<'renamed' | 'missing' | 'taken'> {
    try {
      const [rows] = await this.dataSource.query(
        `UPDATE "boards" SET "name" = $3, "updated_at" = now()
         WHERE "id" = $1 AND "owner_id" = $2 RETURNING "id"`,
        [id, ownerId, name],
      );
      return rows.length > 0 ? 'renamed' : 'missing';
    } catch (err) {
      if ((err as { code?: string }).code === '23505') return 'taken';
      throw err;
    }
  }

  /** Deletes the board (its images' board_id becomes NULL by the foreign key). */
  async delete(manager: EntityManager, id: string, ownerId: string): Promise<boolean> {
    const [rows] = await manager.query(
      `DELETE FROM "boards" WHERE "id" = $1 AND "owner_id" = $2 RETURNING "id"`,
      [id, ownerId],
    );
    return rows.length > 0;
  }
}
