import { SERVICES } from '@pingvas/contracts';
import { runMigrationCli } from '@pingvas/database';
import { GALLERY_DATABASE } from './database';

/** `node dist/apps/gallery-service/src/migrate.js`: this service's migrations alone (the Helm hook Job). */
void runMigrationCli(SERVICES.gallery.name, [GALLERY_DATABASE], process.argv.slice(2));
