import { SERVICES } from '@pingvas/contracts';
import { runMigrationCli } from '@pingvas/database';
import { USER_DATABASE } from './database';

/** `node dist/apps/user-service/src/migrate.js`: this service's migrations alone (the Helm hook Job). */
void runMigrationCli(SERVICES.user.name, [USER_DATABASE], process.argv.slice(2));
