import { type BaseConfig, type Env, loadBaseConfig } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';

export type UserServiceConfig = BaseConfig;

export function loadUserServiceConfig(env: Env): UserServiceConfig {
  return loadBaseConfig(SERVICES.user.name, SERVICES.user.port, env);
}
