import type { ServiceDatabase } from '@pingvas/database';

/** The tables gallery-service owns (DESIGN §3) and the migrations that make them. */
export const GALLERY_DATABASE: ServiceDatabase = {
  service: 'gallery',
  entities: [],
  migrations: [],
};
