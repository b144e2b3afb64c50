import { randomBytes } from 'node:crypto';
import { migrateService } from './migrate';
import { dropSchema } from './schema-admin';
import type { DatabaseLocation, ServiceDatabase } from './service-database';

export interface TestSchema extends DatabaseLocation {
  drop(): Promise<void>;
}

/**
 * A fresh, migrated schema for one test file (`t_<service>_<random>`), so files of different
 * services (or of the same one) run in parallel without seeing each other's rows.
 */
export async function createTestSchema(url: string, db: ServiceDatabase): Promise<TestSchema> {
  const schema = `t_${db.service}_${randomBytes(5).toString('hex')}`;
  const location = { url, schema };
  await migrateService(location, db);
  return { ...location, drop: () => dropSchema(location) };
}
