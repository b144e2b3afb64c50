/**
 * `npm run db:restore-check [-- --schema NAME ...]`: proves that a dump of the environment's
 * schema restores. It dumps the schema (DB_SCHEMA, default `${APP_ENV}_pingvas`, or each
 * `--schema`) from DATABASE_URL, restores it into a scratch database on the same server and
 * compares every table's row count and checksum with the source at the dump's snapshot;
 * prints the figures and exits 1 on any difference. Needs pg_dump and pg_restore on PATH and a
 * role that may create databases. docs/operations/backups.md says when to run it.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadBaseConfig } from '@pingvas/common';
import { formatComparison } from './db-restore-check/figures';
import { runRestoreCheck } from './db-restore-check/restore-check';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { schema: { type: 'string', multiple: true } } });
  const { database } = loadBaseConfig('db-restore-check', 1, process.env);
  const schemas = values.schema?.length ? values.schema : [database.schema];
  const report = await runRestoreCheck(database.url, schemas);
  for (const line of formatComparison(report.comparison)) process.stdout.write(`${line}\n`);
  const rows = report.comparison.reduce((n, c) => n + (c.source?.rows ?? 0), 0);
  const failed = report.comparison.filter((c) => c.problem).length;
  process.stdout.write(
    `restore check of ${schemas.join(', ')}: ${report.comparison.length} tables, ${rows} rows; ` +
      `dump ${report.dumpBytes} bytes in ${report.dumpMs} ms, restore in ${report.restoreMs} ms: ` +
      `${report.ok ? 'ok' : report.comparison.length ? `${failed} tables differ` : 'no tables to compare'}\n`,
  );
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `restore check failed: ${err instanceof ConfigError ? err.message : String(err)}\n`,
    );
    process.exit(1);
  },
);
