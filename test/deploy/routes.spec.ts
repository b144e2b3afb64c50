import { posix } from 'node:path';
import { type DynamicModule, RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, SSE_METADATA } from '@nestjs/common/constants';
import { DECORATORS } from '@nestjs/swagger';
import { MetadataScanner, ModulesContainer, NestFactory } from '@nestjs/core';
import { UNPREFIXED } from '@pingvas/common';
import {
  apiPrefixOf,
  API_ROUTES,
  isSsePath,
  type ServiceKey,
  SERVICE_KEYS,
  serviceForPath,
  SSE_ROUTES,
} from '@pingvas/contracts';
import { loadGalleryServiceConfig } from '../../apps/gallery-service/src/config';
import { GalleryServiceModule } from '../../apps/gallery-service/src/gallery-service.module';
import { loadGenerationServiceConfig } from '../../apps/generation-service/src/config';
import { GenerationServiceModule } from '../../apps/generation-service/src/generation-service.module';
import { loadModelServiceConfig } from '../../apps/model-service/src/config';
import { ModelServiceModule } from '../../apps/model-service/src/model-service.module';
import { loadPaymentServiceConfig } from '../../apps/payment-service/src/config';
import { PaymentServiceModule } from '../../apps/payment-service/src/payment-service.module';
import { loadUserServiceConfig } from '../../apps/user-service/src/config';
import { UserServiceModule } from '../../apps/user-service/src/user-service.module';

const env = { APP_ENV: 'test', LOG_LEVEL: 'silent', JWT_KEYS_DIR: '/tmp/pingvas-routes-spec' };

/** Each service's root module, configured as in a test; nothing is connected to. */
const MODULES: Record<ServiceKey, () => DynamicModule> = {
  user: () => UserServiceModule.forRoot(loadUserServiceConfig(env)),
  payment: () => PaymentServiceModule.forRoot(loadPaymentServiceConfig(env)),
  generation: () => GenerationServiceModule.forRoot(loadGenerationServiceConfig(env)),
  gallery: () => GalleryServiceModule.forRoot(loadGalleryServiceConfig(env)),
  model: () => ModelServiceModule.forRoot(loadModelServiceConfig(env)),
};

interface Route {
  method: string;
  path: string;
  /** Declared as a stream of Server-Sent Events (`@Sse()` or `@ApiProduces('text/event-stream')`). */
  sse: boolean;
}

/**
 * The HTTP routes Nest discovers in a service's module graph: every controller of every module,
 * read from the route decorators' metadata. Preview mode builds the graph without creating a
 * provider, so no database or Redis is needed. RPC handlers carry no path and are left out.
 */
async function discoveredRoutes(module: DynamicModule): Promise<Route[]> {
  const app = await NestFactory.create(module, {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    const scanner = new MetadataScanner();
    const routes: Route[] = [];
    for (const mod of app.get(ModulesContainer).values()) {
      for (const wrapper of mod.controllers.values()) {
        const type = wrapper.metatype as Type;
        const bases = [Reflect.getMetadata(PATH_METADATA, type) ?? '/'].flat() as string[];
        for (const name of scanner.getAllMethodNames(type.prototype)) {
          const handler = (type.prototype as Record<string, unknown>)[name] as object;
          const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[];
          if (paths === undefined) continue;
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
          const produces = (Reflect.getMetadata(DECORATORS.API_PRODUCES, handler) ??
            []) as string[];
          const sse =
            Reflect.getMetadata(SSE_METADATA, handler) === true ||
            produces.includes('text/event-stream');
          for (const base of bases) {
            for (const path of [paths].flat()) {
              const joined = posix.join('/', base, path).replace(/\/$/, '') || '/';
              routes.push({ method, path: joined, sse });
            }
          }
        }
      }
    }
    return routes;
  } finally {
    await app.close();
  }
}

/** `/api/v1/<path>`, or the path itself for the routes createHttpApp keeps at the root. */
function publicPath(path: string): string | undefined {
  const bare = path.replace(/^\//, '');
  const unprefixed = UNPREFIXED.some(({ path: p }) =>
    p.endsWith('/*path') ? bare.startsWith(p.slice(0, -'*path'.length)) : bare === p,
  );
  return unprefixed ? undefined : `/api/v1/${bare}`;
}

describe('the route table (libs/contracts API_ROUTES)', () => {
  const discovered = {} as Record<ServiceKey, Route[]>;

  beforeAll(async () => {
    for (const key of SERVICE_KEYS) discovered[key] = await discoveredRoutes(MODULES[key]());
  });

  it.each(SERVICE_KEYS)('routes every /api/v1 path of %s-service to it', (key) => {
    const api = discovered[key].flatMap((r) => {
      const path = publicPath(r.path);
      return path ? [{ ...r, path }] : [];
    });
    expect(api.length).toBeGreaterThan(0);
    const misrouted = api
      .map((r) => ({ route: `${r.method} ${r.path}`, routedTo: serviceForPath(r.path) ?? null }))
      .filter((r) => r.routedTo !== key);
    expect(misrouted).toEqual([]);
  });

  it('names no prefix that its service does not answer', () => {
    const unused = Object.entries(API_ROUTES).filter(
      ([prefix, key]) =>
        !discovered[key].some((r) => {
          const path = publicPath(r.path);
          return path !== undefined && apiPrefixOf(path) === prefix;
        }),
    );
    expect(unused).toEqual([]);
  });

  it('marks the event streams, and only them, as SSE routes', () => {
    const sse = SERVICE_KEYS.flatMap((key) =>
      discovered[key]
        .filter((r) => r.sse)
        .map((r) => ({ service: key, path: r.path.replace(/^\//, '') })),
    );
    expect(sse).toEqual(SSE_ROUTES.map((r) => ({ service: r.service, path: r.path })));
    expect(isSsePath('/api/v1/generations/0b6c0c8e-0000-4000-8000-000000000000/events')).toBe(true);
    expect(isSsePath('/api/v1/generations/0b6c/events/more')).toBe(false);
    expect(isSsePath('/api/v1/generations')).toBe(false);
  });

  it('matches whole segments, the longest prefix first', () => {
    expect(serviceForPath('/api/v1/auth/login')).toBe('user');
    expect(serviceForPath('/api/v1/authx')).toBeUndefined();
    expect(serviceForPath('/api/v1/admin/credits/grants?x=1')).toBe('payment');
    expect(serviceForPath('/api/v1/admin')).toBeUndefined();
    expect(serviceForPath('/api/v2/auth/login')).toBeUndefined();
    expect(serviceForPath('/auth/login')).toBeUndefined();
  });
});
