import type { ServiceDatabase } from '@pingvas/database';
import { GALLERY_DATABASE } from '../apps/gallery-service/src/database';
import { GENERATION_DATABASE } from '../apps/generation-service/src/database';
import { MODEL_DATABASE } from '../apps/model-service/src/database';
import { PAYMENT_DATABASE } from '../apps/payment-service/src/database';
import { SYSTEM_DATABASE } from '../apps/system-worker/src/database';
import { USER_DATABASE } from '../apps/user-service/src/database';

/**
 * The environment's tables, in the order `npm run migrate` applies them: every service's
 * migrations and the system worker's, each in its own migrations table.
 */
export const DATABASES: readonly ServiceDatabase[] = [
  USER_DATABASE,
  PAYMENT_DATABASE,
  MODEL_DATABASE,
  GENERATION_DATABASE,
  GALLERY_DATABASE,
  SYSTEM_DATABASE,
];
