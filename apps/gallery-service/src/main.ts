// First, before any module loads: keeps an idle process's young generation small.
import '../../../libs/common/src/process/lean-boot-heap';
import { runProcess } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';
import { startService } from '@pingvas/messaging';
import { loadGalleryServiceConfig } from './config';
import { GalleryServiceModule } from './gallery-service.module';

void runProcess(SERVICES.gallery.name, async () => {
  const config = loadGalleryServiceConfig(process.env);
  return startService(GalleryServiceModule.forRoot(config), config);
});
