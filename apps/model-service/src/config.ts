import { type Env, envBool, loadServiceConfig } from '@pingvas/common';
import { SERVICES } from '@pingvas/contracts';
import { loadStorageConfig } from '@pingvas/storage';
import { z } from 'zod';

const modelEnv = {
  /** Model packages live under this folder; a registered path may not leave it. */
  MODELS_DIR: z.string().default('models'),
  /** dev/test: register the bundled tiny model (made if missing) and make it the default. */
  REGISTER_TINY_MODEL: envBool().optional(),
};

export function loadModelServiceConfig(env: Env) {
  return loadServiceConfig(SERVICES.model.name, SERVICES.model.port, env, modelEnv, (e, base) => ({
    modelsDir: e.MODELS_DIR,
    registerTinyModel: e.REGISTER_TINY_MODEL ?? base.appEnv !== 'prod',
    /** The blob store that stored packages (storagePrefix) are read from. */
    storage: loadStorageConfig(SERVICES.model.name, env),
  }));
}

export type ModelServiceConfig = ReturnType<typeof loadModelServiceConfig>;
