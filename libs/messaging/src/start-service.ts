import type { DynamicModule, INestApplication } from '@nestjs/common';
import { type BaseConfig, createHttpApp, listen } from '@pingvas/common';
import { RpcMetrics } from './rpc/rpc-metrics';
import { rpcServerStrategy } from './rpc-server';

/**
 * Starts one of the five services as a hybrid app (DESIGN §1): REST under `/api/v1` on its
 * port, and its RPC handlers on the load-balanced Redis Streams transport.
 */
export async function startService(
  module: DynamicModule,
  config: BaseConfig,
): Promise<INestApplication> {
  const app = await createHttpApp(module, config, { docsTitle: `Pingvas ${config.processName}` });
  // The RPC side shares the app's global pipe and filter (APP_* providers).
  const metrics = app.get(RpcMetrics, { strict: false });
  app.connectMicroservice(rpcServerStrategy(config, metrics), { inheritAppConfig: true });
  await app.startAllMicroservices();
  await listen(app, config);
  return app;
}
