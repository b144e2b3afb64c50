import { SERVICES } from '@pingvas/contracts';
import { runMigrationCli } from '@pingvas/database';
import { PAYMENT_DATABASE } from './database';

/** `node dist/apps/payment-service/src/migrate.js`: this service's migrations alone (the Helm hook Job). */
void runMigrationCli(SERVICES.payment.name, [PAYMENT_DATABASE], process.argv.slice(2));
