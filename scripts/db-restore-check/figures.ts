import { type ClientBase, escapeIdentifier } from 'pg';

/** What the check compares for one table: its rows and a checksum of their contents. */
export interface TableFigures {
  /** `schema.table` */
  table: string;
  rows: number;
  checksum: string;
}

export interface TableComparison {
  table: string;
  source?: TableFigures;
  restored?: TableFigures;
  /** Why the restored table differs; absent when it matches. */
  problem?: string;
}

/**
 * A row's text form depends on these settings (time zone of timestamptz, float digits, bytea
 * format), and a scratch database may carry other per-database defaults: both sides read
 * with the same ones.
 */
const SAME_TEXT_FORM = [
  `SET TimeZone = 'UTC'`,
  `SET DateStyle = 'ISO, YMD'`,
  `SET IntervalStyle = 'postgres'`,
  `SET extra_float_digits = 3`,
  `SET bytea_output = 'hex'`,
];

/**
 * Row count and checksum of every table of `schemas`, read in the client's current
 * transaction (the dump's snapshot on the source side). The checksum sums two 64-bit halves
 * of each row's md5: independent of row order and of primary keys, so a table without one
 * counts too, and read in constant memory however large the table. `ONLY`: a partition or an
 * inheriting table is counted once, as itself.
 */
export async function readFigures(client: ClientBase, schemas: string[]): Promise<TableFigures[]> {
  for (const statement of SAME_TEXT_FORM) await client.query(statement);
  const tables = await client.query<{ schema: string; table: string }>(
    `SELECT n.nspname AS schema, c.relname AS table
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p')
      ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"`,
    [schemas],
  );
  const figures: TableFigures[] = [];
  for (const { schema, table } of tables.rows) {
    const name = `${escapeIdentifier(schema)}.${escapeIdentifier(table)}`;
    const { rows } = await client.query<{ rows: string; checksum: string }>(
      `SELECT count(*) AS rows,
              md5(coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint), 0) || ':' ||
                  coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint), 0)) AS checksum
         FROM (SELECT md5(t::text) AS h FROM ONLY ${name} AS t) AS hashed`,
    );
    figures.push({
      table: `${schema}.${table}`,
      rows: Number(rows[0].rows),
      checksum: rows[0].checksum,
    });
  }
  return figures;
}

/** Every table of either side, in order, with what differs. */
export function compareFigures(
  source: TableFigures[],
  restored: TableFigures[],
): TableComparison[] {
  const bySource = new Map(source.map((f) => [f.table, f]));
  const byRestored = new Map(restored.map((f) => [f.table, f]));
  const tables = [...new Set([...bySource.keys(), ...byRestored.keys()])].sort();
  return tables.map((table) => {
    const s = bySource.get(table);
    const r = byRestored.get(table);
    let problem: string | undefined;
    if (!r) problem = 'missing from the restore';
    else if (!s) problem = 'not in the source';
    else if (s.rows !== r.rows) problem = `${s.rows} rows in the source, ${r.rows} restored`;
    else if (s.checksum !== r.checksum) problem = 'same row count, different contents';
    return { table, source: s, restored: r, ...(problem ? { problem } : {}) };
  });
}

/** The comparison as a fixed-width table, one line per table, checksums shortened. */
export function formatComparison(comparison: TableComparison[]): string[] {
  const header = ['table', 'source rows', 'restored rows', 'source sum', 'restored sum', 'result'];
  const lines = comparison.map((c) => [
    c.table,
    c.source ? String(c.source.rows) : '-',
    c.restored ? String(c.restored.rows) : '-',
    c.source ? c.source.checksum.slice(0, 12) : '-',
    c.restored ? c.restored.checksum.slice(0, 12) : '-',
    c.problem ?? 'ok',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  return [header, ...lines].map((cells) =>
    cells
      .map((cell, i) =>
        i === 0 || i === cells.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]),
      )
      .join('  ')
      .trimEnd(),
  );
}
