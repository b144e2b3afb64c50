import { type BaseConfig, type Env, loadBaseConfig } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';

export type GenerationServiceConfig = BaseConfig;

export function loadGenerationServiceConfig(env: Env): GenerationServiceConfig {
  return loadBaseConfig(SERVICES.generation.name, SERVICES.generation.port, env);
}
