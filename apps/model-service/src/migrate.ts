import { SERVICES } from '@pingvas/contracts';
import { runMigrationCli } from '@pingvas/database';
import { MODEL_DATABASE } from './database';

/** `node dist/apps/model-service/src/migrate.js`: this service's migrations alone (the Helm hook Job). */
void runMigrationCli(SERVICES.model.name, [MODEL_DATABASE], process.argv.slice(2));
