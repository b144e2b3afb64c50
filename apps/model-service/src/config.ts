import { type BaseConfig, type Env, envBool, loadBaseConfig, parseEnv } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';
import { z } from 'zod';

const modelEnvSchema = z.object({
  /** Model packages live under this folder; a registered path may not leave it. */
  MODELS_DIR: z.string().default('models'),
  /** dev/test: register the bundled tiny model (made if missing) and make it the default. */
  REGISTER_TINY_MODEL: envBool().optional(),
});

export interface ModelServiceConfig extends BaseConfig {
  modelsDir: string;
  registerTinyModel: boolean;
}

export function loadModelServiceConfig(env: Env): ModelServiceConfig {
  const base = loadBaseConfig(SERVICES.model.name, SERVICES.model.port, env);
  const e = parseEnv(SERVICES.model.name, modelEnvSchema, env);
  return {
    ...base,
    modelsDir: e.MODELS_DIR,
    registerTinyModel: e.REGISTER_TINY_MODEL ?? base.appEnv !== 'prod',
  };
}
