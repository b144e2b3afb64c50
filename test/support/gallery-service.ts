import type { ServiceRecipe } from '@pingvas/testing';
import {
  type GalleryServiceConfig,
  loadGalleryServiceConfig,
} from '../../apps/gallery-service/src/config';
import { GALLERY_DATABASE } from '../../apps/gallery-service/src/database';
import { GalleryServiceModule } from '../../apps/gallery-service/src/gallery-service.module';

export const GALLERY_SERVICE: ServiceRecipe<GalleryServiceConfig> = {
  database: GALLERY_DATABASE,
  loadConfig: loadGalleryServiceConfig,
  module: (config) => GalleryServiceModule.forRoot(config),
};
