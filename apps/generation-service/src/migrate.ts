import { SERVICES } from '@pingvas/contracts';
import { runMigrationCli } from '@pingvas/database';
import { GENERATION_DATABASE } from './database';

/** `node dist/apps/generation-service/src/migrate.js`: this service's migrations alone (the Helm hook Job). */
void runMigrationCli(SERVICES.generation.name, [GENERATION_DATABASE], process.argv.slice(2));
