import { type BaseConfig, type Env, envInt, loadBaseConfig, parseEnv } from '@pingvas/common';
import { GPU_WORKER } from '@pingvas/contracts';
import { parseProviders, type ProviderName } from '@pingvas/inference';
import { z } from 'zod';

const workerEnvSchema = z.object({
  MODELS_DIR: z.string().default('models'),
  /** Tried in order; the first that loads is used (CUDA where its provider is installed). */
  ORT_EXECUTION_PROVIDERS: z
    .string()
    .default('cuda,cpu')
    .superRefine((value, ctx) => {
      try {
        parseProviders(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  /** How many models stay loaded at once (least recently used are released). */
  MODEL_CACHE_SIZE: envInt(1, 16).default(2),
  /** Loaded at start; /ready answers 200 only once it runs. */
  WARMUP_MODEL: z.string().default('tiny-sd'),
});

export interface GpuWorkerConfig extends BaseConfig {
  inference: {
    modelsDir: string;
    providers: ProviderName[];
    cacheSize: number;
    warmupModel: string;
  };
}

export function loadGpuWorkerConfig(env: Env): GpuWorkerConfig {
  const base = loadBaseConfig(GPU_WORKER.name, GPU_WORKER.port, env);
  const e = parseEnv(GPU_WORKER.name, workerEnvSchema, env);
  return {
    ...base,
    inference: {
      modelsDir: e.MODELS_DIR,
      providers: parseProviders(e.ORT_EXECUTION_PROVIDERS),
      cacheSize: e.MODEL_CACHE_SIZE,
      warmupModel: e.WARMUP_MODEL,
    },
  };
}
