// First, before any module loads: keeps an idle process's young generation small.
import '../../../libs/common/src/process/lean-boot-heap';
import { runProcess } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';
import { startService } from '@pingvas/messaging';
import { loadPaymentServiceConfig } from './config';
import { PaymentServiceModule } from './payment-service.module';

void runProcess(SERVICES.payment.name, async () => {
  const config = loadPaymentServiceConfig(process.env);
  return startService(PaymentServiceModule.forRoot(config), config);
});
