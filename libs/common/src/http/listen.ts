import { type INestApplication, Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { BaseConfig } from '../config/env';

/** Listens on the configured host and port (0 = any free port) and logs the address it got. */
export async function listen(app: INestApplication, config: BaseConfig): Promise<string> {
  await app.listen(config.http.port, config.http.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const host = ['0.0.0.0', '::'].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  new Logger('Http').log(`listening on ${url}`);
  return url;
}
