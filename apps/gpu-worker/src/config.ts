import { type BaseConfig, type Env, loadBaseConfig } from '@pingvas/common';
import { GPU_WORKER } from '@pingvas/contracts';

export type GpuWorkerConfig = BaseConfig;

export function loadGpuWorkerConfig(env: Env): GpuWorkerConfig {
  return loadBaseConfig(GPU_WORKER.name, GPU_WORKER.port, env);
}
