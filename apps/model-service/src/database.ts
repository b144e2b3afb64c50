import type { ServiceDatabase } from '@pingvas/database';

/** The tables model-service owns (DESIGN §3) and the migrations that make them. */
export const MODEL_DATABASE: ServiceDatabase = {
  service: 'model',
  entities: [],
  migrations: [],
};
