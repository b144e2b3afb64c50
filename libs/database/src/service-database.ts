import type { ServiceKey } from '@pingvas/contracts';
import type { DataSourceOptions, MixedList } from 'typeorm';

/**
 * Who owns tables in the shared database: the five services, and the system worker (its record
 * of mail sent and exports written, DESIGN §16), which is no service (no API, no RPC prefix).
 */
export type DatabaseOwner = ServiceKey | 'system';

/**
 * What a service owns in the shared database: the migrations that make its tables (DESIGN §3).
 * No entities are mapped: repositories read and write with plain SQL (`SqlRepository`).
 */
export interface ServiceDatabase {
  service: DatabaseOwner;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

export interface DatabaseLocation {
  url: string;
  schema: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  return schema;
}

export function migrationsTableOf(service: DatabaseOwner): string {
  return `migrations_${service}`;
}

/**
 * TypeORM options for one service: tables qualified with the environment's schema, the same
 * schema as every connection's search_path, its own migrations table, and never synchronize.
 */
export function dataSourceOptions(
  location: DatabaseLocation,
  db: ServiceDatabase,
  applicationName = `pingvas-${db.service}`,
): DataSourceOptions {
  const schema = assertSchemaName(location.schema);
  return {
    type: 'postgres',
    url: location.url,
    schema,
    applicationName,
    migrations: db.migrations,
    migrationsTableName: migrationsTableOf(db.service),
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    extra: { options: `-c search_path=${schema}`, max: 10, connectionTimeoutMillis: 5000 },
  };
}
