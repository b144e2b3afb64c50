import type { ServiceDatabase } from '@pingvas/database';

/** The tables user-service owns (DESIGN §3) and the migrations that make them. */
export const USER_DATABASE: ServiceDatabase = {
  service: 'user',
  entities: [],
  migrations: [],
};
