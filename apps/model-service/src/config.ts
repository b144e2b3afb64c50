import { type BaseConfig, type Env, loadBaseConfig } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';

export type ModelServiceConfig = BaseConfig;

export function loadModelServiceConfig(env: Env): ModelServiceConfig {
  return loadBaseConfig(SERVICES.model.name, SERVICES.model.port, env);
}
