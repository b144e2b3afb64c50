import { type BaseConfig, type Env, loadBaseConfig } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';

export type PaymentServiceConfig = BaseConfig;

export function loadPaymentServiceConfig(env: Env): PaymentServiceConfig {
  return loadBaseConfig(SERVICES.payment.name, SERVICES.payment.port, env);
}
