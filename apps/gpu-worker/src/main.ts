// First, before any module loads: keeps an idle process's young generation small.
import '../../../libs/common/src/process/lean-boot-heap';
import { createHttpApp, listen, runProcess } from '@pingvas/common';
import { GPU_WORKER } from '@pingvas/contracts';
import { loadGpuWorkerConfig } from './config';
import { GpuWorkerModule } from './gpu-worker.module';

/**
 * The worker is the same platform started with another root module (as Twenty does): no
 * public API, only `/health`, `/ready` and `/metrics` on its port for probes and Prometheus.
 */
let shutdownTimeoutMs = 10_000;

void runProcess(
  GPU_WORKER.name,
  async () => {
    const config = loadGpuWorkerConfig(process.env);
    // The running job gets its grace time, then the rest of the shutdown its usual time.
    shutdownTimeoutMs = config.worker.shutdownGraceMs + config.shutdownTimeoutMs;
    const app = await createHttpApp(GpuWorkerModule.forRoot(config), config);
    await listen(app, config);
    return app;
  },
  () => shutdownTimeoutMs,
);
