import { Injectable } from '@nestjs/common';
import { SqlRepository, type Tx } from '@pingvas/database';
import type { BoardOwnership } from '../images/board-ownership';

export interface BoardRow {
  id: string;
  ownerId: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

function toRow(r: Record<string, unknown>): BoardRow {
  return {
    id: String(r.id),
    ownerId: String(r.owner_id),
    name: String(r.name),
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

/** The boards table (what a board holds is the images': `ImagesRepository.boardContents`). */
@Injectable()
export class BoardsRepository extends SqlRepository implements BoardOwnership {
  async list(ownerId: string): Promise<BoardRow[]> {
    const rows = await this.query(
      `SELECT * FROM "boards" WHERE "owner_id" = $1 ORDER BY "created_at", "id"`,
      [ownerId],
    );
    return rows.map(toRow);
  }

  async findOwned(id: string, ownerId: string): Promise<BoardRow | undefined> {
    const rows = await this.query(`SELECT * FROM "boards" WHERE "id" = $1 AND "owner_id" = $2`, [
      id,
      ownerId,
    ]);
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  async owns(id: string, ownerId: string, tx?: Tx): Promise<boolean> {
    const rows = await this.query(
      `SELECT 1 FROM "boards" WHERE "id" = $1 AND "owner_id" = $2`,
      [id, ownerId],
      tx,
    );
    return rows.length > 0;
  }

  async count(ownerId: string): Promise<number> {
    const [{ n }] = await this.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "boards" WHERE "owner_id" = $1`,
      [ownerId],
    );
    return Number(n);
  }

  /** Undefined when the owner already has a board of that name (case-insensitive). */
  async insert(id: string, ownerId: string, name: string): Promise<BoardRow | undefined> {
    const rows = await this.query(
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
      const { rows } = await this.modify(
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
  async delete(tx: Tx, id: string, ownerId: string): Promise<boolean> {
    const { rows } = await this.modify(
      `DELETE FROM "boards" WHERE "id" = $1 AND "owner_id" = $2 RETURNING "id"`,
      [id, ownerId],
      tx,
    );
    return rows.length > 0;
  }

  /** One page of the owner's boards for their data export, oldest first. */
  async exportPage(
    ownerId: string,
    limit: number,
    after?: { createdAt: string; id: string },
  ): Promise<BoardRow[]> {
    const params: unknown[] = [ownerId, limit];
    let where = `"owner_id" = $1`;
    if (after) {
      params.push(after.createdAt, after.id);
      where += ` AND (date_trunc('milliseconds', "created_at"), "id") > ($3::timestamptz, $4::uuid)`;
    }
    const rows = await this.query(
      `SELECT * FROM "boards" WHERE ${where}
       ORDER BY date_trunc('milliseconds', "created_at"), "id" LIMIT $2`,
      params,
    );
    return rows.map(toRow);
  }

  /** Deletes every board of the owner; answers how many. */
  async deleteAllOfOwner(tx: Tx, ownerId: string): Promise<number> {
    const { rows } = await this.modify(
      `DELETE FROM "boards" WHERE "owner_id" = $1 RETURNING "id"`,
      [ownerId],
      tx,
    );
    return rows.length;
  }
}
