// First, before any module loads: keeps an idle process's young generation small.
import '../../../libs/common/src/process/lean-boot-heap';
import { runProcess } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';
import { startService } from '@pingvas/messaging';
import { loadModelServiceConfig } from './config';
import { ModelServiceModule } from './model-service.module';

void runProcess(SERVICES.model.name, async () => {
  const config = loadModelServiceConfig(process.env);
  return startService(ModelServiceModule.forRoot(config), config);
});
