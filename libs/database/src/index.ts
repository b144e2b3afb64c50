export * from './database.module';
export * from './migrate';
export * from './schema-admin';
export * from './service-database';
export * from './sql-repository';
export * from './test-schema';
export * from './migration-cli';
export * from './offline-data-source';
