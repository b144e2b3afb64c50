import type { ServiceDatabase } from '@pingvas/database';

/** The tables generation-service owns (DESIGN §3) and the migrations that make them. */
export const GENERATION_DATABASE: ServiceDatabase = {
  service: 'generation',
  entities: [],
  migrations: [],
};
