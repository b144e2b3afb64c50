import { runProcess } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';
import { startService } from '@pingvas/messaging';
import { loadGalleryServiceConfig } from './config';
import { GalleryServiceModule } from './gallery-service.module';

void runProcess(SERVICES.gallery.name, async () => {
  const config = loadGalleryServiceConfig(process.env);
  return startService(GalleryServiceModule.forRoot(config), config);
});
