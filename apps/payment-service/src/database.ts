import type { ServiceDatabase } from '@pingvas/database';
import { CreateCredits1795400000000 } from './migrations/1795400000000-CreateCredits';
import { AccountLifecycle1795400000001 } from './migrations/1795400000001-AccountLifecycle';

/**
 * The tables payment-service owns (DESIGN §3). Credits are read and written with explicit
 * SQL (conditional updates and row locks) in the repositories.
 */
export const PAYMENT_DATABASE: ServiceDatabase = {
  service: 'payment',
  migrations: [CreateCredits1795400000000, AccountLifecycle1795400000001],
};
