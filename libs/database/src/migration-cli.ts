import { ConfigError, loadBaseConfig } from '@pingvas/common';
import { migrateService, revertLastMigration } from './migrate';
import type { ServiceDatabase } from './service-database';

/**
 * Applies (or with `--revert`, undoes the last of) the migrations of the given services in
 * the environment's schema, printing what it did. Exit code 1 on any failure.
 */
export async function runMigrationCli(
  name: string,
  databases: ServiceDatabase[],
  args: string[],
): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const { database } = loadBaseConfig(name, 1, process.env);
    for (const db of databases) {
      if (args.includes('--revert')) {
        await revertLastMigration(database, db);
        out(`migrate ${db.service}: reverted the last migration in schema ${database.schema}`);
        continue;
      }
      const applied = await migrateService(database, db);
      out(
        `migrate ${db.service}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'} (schema ${database.schema})`,
      );
    }
  } catch (err) {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : `migration failed: ${String(err)}`}\n`,
    );
    process.exit(1);
  }
}
