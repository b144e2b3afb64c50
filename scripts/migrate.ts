import { runMigrationCli } from '@pingvas/database';
import { DATABASES } from './databases';

/** `npm run migrate`: every service's migrations and the system worker's, each in its own migrations table. */
void runMigrationCli('migrate', [...DATABASES], process.argv.slice(2));
