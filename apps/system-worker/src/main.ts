// First, before any module loads: keeps an idle process's young generation small.
import '../../../libs/common/src/process/lean-boot-heap';
import { createHttpApp, listen, runProcess } from '@pingvas/common';
import { SYSTEM_WORKER } from '@pingvas/contracts';
import { loadSystemWorkerConfig } from './config';
import { SystemWorkerModule } from './system-worker.module';

/**
 * The system worker: the platform started with its own root module, as the GPU worker is. No
 * public API, only `/health`, `/ready` and `/metrics` on its port for probes and Prometheus.
 */
let shutdownTimeoutMs = 10_000;

void runProcess(
  SYSTEM_WORKER.name,
  async () => {
    const config = loadSystemWorkerConfig(process.env);
    shutdownTimeoutMs = config.shutdownTimeoutMs;
    const app = await createHttpApp(SystemWorkerModule.forRoot(config), config);
    await listen(app, config);
    return app;
  },
  () => shutdownTimeoutMs,
);
