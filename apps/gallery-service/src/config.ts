import { type BaseConfig, type Env, loadBaseConfig } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';

export type GalleryServiceConfig = BaseConfig;

export function loadGalleryServiceConfig(env: Env): GalleryServiceConfig {
  return loadBaseConfig(SERVICES.gallery.name, SERVICES.gallery.port, env);
}
