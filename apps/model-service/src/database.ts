import type { ServiceDatabase } from '@pingvas/database';
import { CreateModels1795500000000 } from './migrations/1795500000000-CreateModels';
import { AddModelSource1796228400000 } from './migrations/1796228400000-AddModelSource';

/** The tables model-service owns (DESIGN §3) and the migrations that make them. */
export const MODEL_DATABASE: ServiceDatabase = {
  service: 'model',
  migrations: [CreateModels1795500000000, AddModelSource1796228400000],
};
