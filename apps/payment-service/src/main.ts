import { runProcess } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';
import { startService } from '@pingvas/messaging';
import { loadPaymentServiceConfig } from './config';
import { PaymentServiceModule } from './payment-service.module';

void runProcess(SERVICES.payment.name, async () => {
  const config = loadPaymentServiceConfig(process.env);
  return startService(PaymentServiceModule.forRoot(config), config);
});
