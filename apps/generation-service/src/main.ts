// First, before any module loads: keeps an idle process's young generation small.
import '../../../libs/common/src/process/lean-boot-heap';
import { runProcess } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';
import { startService } from '@pingvas/messaging';
import { loadGenerationServiceConfig } from './config';
import { GenerationServiceModule } from './generation-service.module';

void runProcess(SERVICES.generation.name, async () => {
  const config = loadGenerationServiceConfig(process.env);
  return startService(GenerationServiceModule.forRoot(config), config);
});
