import { DataSource } from 'typeorm';
import { ensureDatabase, ensureSchema, withAdvisoryLock } from './schema-admin';
import {
  dataSourceOptions,
  type DatabaseLocation,
  migrationsTableOf,
  type ServiceDatabase,
} from './service-database';

/** Applies a service's pending migrations in its schema; returns the names applied. */
export async function migrateService(
  location: DatabaseLocation,
  db: ServiceDatabase,
): Promise<string[]> {
  await ensureDatabase(location.url);
  await ensureSchema(location);
  const lockKey = `${location.schema}.${migrationsTableOf(db.service)}`;
  return withAdvisoryLock(location.url, lockKey, async () => {
    const source = new DataSource(dataSourceOptions(location, db, `pingvas-migrate-${db.service}`));
    await source.initialize();
    try {
      const applied = await source.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await source.destroy();
    }
  });
}

/** Reverts the last applied migration of a service (for `npm run migrate:revert`). */
export async function revertLastMigration(
  location: DatabaseLocation,
  db: ServiceDatabase,
): Promise<void> {
  const source = new DataSource(dataSourceOptions(location, db, `pingvas-migrate-${db.service}`));
  await source.initialize();
  try {
    await source.undoLastMigration({ transaction: 'each' });
  } finally {
    await source.destroy();
  }
}
