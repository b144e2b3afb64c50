import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTinyModel } from '@pingvas/inference';
import type { ServiceRecipe } from '@pingvas/testing';
import {
  type ModelServiceConfig,
  loadModelServiceConfig,
} from '../../apps/model-service/src/config';
import { MODEL_DATABASE } from '../../apps/model-service/src/database';
import { ModelServiceModule } from '../../apps/model-service/src/model-service.module';
import { TINY_MODEL } from '@pingvas/contracts';

export const MODEL_SERVICE: ServiceRecipe<ModelServiceConfig> = {
  database: MODEL_DATABASE,
  loadConfig: loadModelServiceConfig,
  module: (config) => ModelServiceModule.forRoot(config),
};

/** A wider, deeper tiny model: about 0.2 s a step at 512x512 on two cores (its 2.6 MB file stays small). */
export const SLOW_MODEL = {
  ...TINY_MODEL,
  name: 'tiny-sd-slow',
  path: 'tiny-sd-slow',
  defaults: { ...TINY_MODEL.defaults, width: 512, height: 512, steps: 8 },
};

/** A temporary MODELS_DIR with the tiny model in it and, with `slowModel`, SLOW_MODEL too. */
export async function makeModelsDir(slowModel: boolean): Promise<string> {
  const modelsDir = await mkdtemp(join(tmpdir(), 'pingvas-models-'));
  await makeTinyModel(join(modelsDir, TINY_MODEL.path));
  if (slowModel)
    await makeTinyModel(join(modelsDir, SLOW_MODEL.path), {
      unetChannels: 256,
      unetHiddenLayers: 4,
    });
  return modelsDir;
}
