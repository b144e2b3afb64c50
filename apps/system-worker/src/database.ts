import type { ServiceDatabase } from '@pingvas/database';
import { CreateSystem1796100000000 } from './migrations/1796100000000-CreateSystem';

/** The tables the system worker owns: mail sent (by message id) and export zips written. */
export const SYSTEM_DATABASE: ServiceDatabase = {
  service: 'system',
  migrations: [CreateSystem1796100000000],
};
