import type { ServiceDatabase } from '@pingvas/database';
import { CreateGallery1795700000000 } from './migrations/1795700000000-CreateGallery';
import { SearchGrams1796300000000 } from './migrations/1796300000000-SearchGrams';

/**
 * The tables gallery-service owns (DESIGN §3): boards and images. Rows change through plain
 * SQL in the repositories; the outbox carries search-index jobs with the change that needs them.
 */
export const GALLERY_DATABASE: ServiceDatabase = {
  service: 'gallery',
  migrations: [CreateGallery1795700000000, SearchGrams1796300000000],
};
