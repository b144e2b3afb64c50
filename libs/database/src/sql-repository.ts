import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** A transaction in progress: repositories take it to make their writes part of it. */
export type Tx = EntityManager;

/** PostgreSQL's unique_violation: an INSERT hit a UNIQUE constraint (a name or email taken). */
export function isUniqueViolation(err: unknown): boolean {
  return (
    err instanceof QueryFailedError && 'code' in err.driverError && err.driverError.code === '23505'
  );
}

/**
 * A FROM item that makes a statement run on its own (never in a caller's transaction) commit
 * without waiting for the WAL flush (about 3 ms a commit on the test machines' disk). Only for
 * marks that are derived again if a PostgreSQL crash loses the last few hundred milliseconds
 * of them; never for a status, an image or money.
 */
export const WITHOUT_FLUSH_WAIT = `(SELECT set_config('synchronous_commit', 'off', true)) "no_flush_wait"`;

interface PgResult {
  command: string;
  rows: unknown[];
  rowCount: number | null;
}

interface PgPool {
  query(sql: string, params: unknown[]): Promise<PgResult>;
}

/**
 * The one persistence style of the suite: each repository owns its tables and is the only
 * place with SQL for them, written out in full (parameterised) and mapped to plain row types
 * beside it. The rules that matter here are SQL (conditional state changes, `ON CONFLICT`,
 * `FOR UPDATE SKIP LOCKED`, a balance changed in one statement), so they are written where a
 * reader sees them rather than behind entity mappings. TypeORM gives the pool, transactions
 * and migrations. Services never see the DataSource: they call `transaction(fn)` on the
 * repository of the aggregate they change and pass `tx` to the other writes that must commit
 * with it (another table of the same service, the outbox).
 */
@Injectable()
export abstract class SqlRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * A statement outside a transaction, straight on the DataSource's node-postgres pool (a
   * TypeORM query runner per statement costs more than a short read). The answer and the
   * errors are TypeORM's: rows, `[rows, count]` for UPDATE and DELETE, QueryFailedError around
   * what the driver threw (unique violations, an unreachable database: DATABASE_UNAVAILABLE).
   */
  private async poolQuery<T>(sql: string, params: unknown[]): Promise<T> {
    const pool = (this.dataSource.driver as PostgresDriver).master as PgPool | undefined;
    if (!pool) return this.dataSource.manager.query(sql, params);
    let raw: PgResult;
    try {
      raw = await pool.query(sql, params);
    } catch (err) {
      throw new QueryFailedError(sql, params, err as Error);
    }
    return (
      raw.command === 'UPDATE' || raw.command === 'DELETE' ? [raw.rows, raw.rowCount] : raw.rows
    ) as T;
  }

  /** Runs `fn` in one transaction: everything given `tx` commits together or not at all. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(fn);
  }

  /** Runs one statement, in `tx` when given; rows come back as the driver returns them. */
  protected query<R = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
    tx?: Tx,
  ): Promise<R[]> {
    return tx ? tx.query(sql, params) : this.poolQuery<R[]>(sql, params);
  }

  /**
   * Deletes up to `limit` rows of `table` where `condition` holds (its `$1` is `before`), by
   * id through a bounded subquery, so housekeeping over a large backlog takes short batches
   * instead of one long lock; how many. `table` and `condition` are the repository's own SQL.
   */
  protected async deleteBatch(
    table: string,
    condition: string,
    before: Date,
    limit: number,
  ): Promise<number> {
    const { count } = await this.modify(
      `DELETE FROM "${table}" WHERE "id" IN (
         SELECT "id" FROM "${table}" WHERE ${condition} LIMIT $2)`,
      [before, limit],
    );
    return count;
  }

  /**
   * Runs one UPDATE or DELETE: its `RETURNING` rows and how many rows it changed (TypeORM
   * answers these two commands with `[rows, count]` rather than the rows alone).
   */
  protected async modify<R = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
    tx?: Tx,
  ): Promise<{ rows: R[]; count: number }> {
    const [rows, count] = tx
      ? ((await tx.query(sql, params)) as [R[], number])
      : await this.poolQuery<[R[], number]>(sql, params);
    return { rows, count };
  }
}
