import type { QueryRunner } from 'typeorm';

/**
 * CREATE INDEX for a migration that runs outside a transaction (`transaction = false`):
 * CONCURRENTLY when the table has rows, so writes go on while a big table is indexed; a plain
 * build on an empty table (a new schema), which waits for no other transaction. An invalid
 * index a failed CONCURRENTLY build left behind is dropped first, so a rerun builds it again.
 */
export async function createIndexOnline(
  runner: QueryRunner,
  table: string,
  name: string,
  definition: string,
): Promise<void> {
  const [invalid] = await runner.query(
    `SELECT 1 FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
     WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace
       AND NOT x.indisvalid`,
    [name],
  );
  if (invalid) await runner.query(`DROP INDEX CONCURRENTLY "${name}"`);
  const [hasRows] = await runner.query(`SELECT 1 FROM "${table}" LIMIT 1`);
  await runner.query(
    `CREATE INDEX ${hasRows ? 'CONCURRENTLY' : ''} IF NOT EXISTS "${name}" ON "${table}" ${definition}`,
  );
}
