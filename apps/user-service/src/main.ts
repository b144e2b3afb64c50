// First, before any module loads: keeps an idle process's young generation small.
import '../../../libs/common/src/process/lean-boot-heap';
import { runProcess } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';
import { startService } from '@pingvas/messaging';
import { loadUserServiceConfig } from './config';
import { UserServiceModule } from './user-service.module';

void runProcess(SERVICES.user.name, async () => {
  const config = loadUserServiceConfig(process.env);
  return startService(UserServiceModule.forRoot(config), config);
});
