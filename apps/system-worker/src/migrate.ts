import { SYSTEM_WORKER } from '@pingvas/contracts';
import { runMigrationCli } from '@pingvas/database';
import { SYSTEM_DATABASE } from './database';

/** `node dist/apps/system-worker/src/migrate.js`: the worker's migrations alone (the Helm hook Job). */
void runMigrationCli(SYSTEM_WORKER.name, [SYSTEM_DATABASE], process.argv.slice(2));
