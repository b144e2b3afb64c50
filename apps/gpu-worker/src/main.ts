import { createHttpApp, listen, runProcess } from '@pingvas/common';
import { GPU_WORKER } from '@pingvas/contracts';
import { loadGpuWorkerConfig } from './config';
import { GpuWorkerModule } from './gpu-worker.module';

/**
 * The worker is the same platform started with another root module (as Twenty does): no
 * public API, only `/health`, `/ready` and `/metrics` on its port for probes and Prometheus.
 */
void runProcess(GPU_WORKER.name, async () => {
  const config = loadGpuWorkerConfig(process.env);
  const app = await createHttpApp(GpuWorkerModule.forRoot(config), config);
  await listen(app, config);
  return app;
});
