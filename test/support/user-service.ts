import type { Env } from '@pingvas/common';
import {
  bootOnTestSchema,
  connectToSchema,
  type SchemaSql,
  uniqueName,
  type ServiceOnSchema,
  type ServiceRecipe,
  type SigningKeyFixture,
  signingKeyFixture,
} from '@pingvas/testing';
import request from 'supertest';
import { type UserServiceConfig, loadUserServiceConfig } from '../../apps/user-service/src/config';
import { USER_DATABASE } from '../../apps/user-service/src/database';
import { UserServiceModule } from '../../apps/user-service/src/user-service.module';

export const USER_SERVICE: ServiceRecipe<UserServiceConfig> = {
  database: USER_DATABASE,
  loadConfig: loadUserServiceConfig,
  module: (config) => UserServiceModule.forRoot(config),
};

export interface UserServiceUnderTest extends ServiceOnSchema {
  key: SigningKeyFixture;
  /** Its RPC namespace and queue prefix (where its mail is queued: verifyEmailOf). */
  namespace: string;
}

/** user-service in this process, on its own schema and namespace, signing with a test key. */
export async function bootUserService(
  namespace: string,
  extra: Env = {},
): Promise<UserServiceUnderTest> {
  const key = await signingKeyFixture();
  const running = await bootOnTestSchema(USER_SERVICE, namespace, {
    JWT_PRIVATE_KEYS: key.privateKeysJson,
    ...extra,
  });
  return { ...running, key, namespace };
}

export interface Session {
  user: {
    id: string;
    email: string;
    displayName: string | null;
    role: string;
    emailVerified: boolean;
    locale: string;
    createdAt: string;
  };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

let counter = 0;

/** A unique, valid sign-up body. */
export function newAccount(
  overrides: Partial<{ email: string; password: string; displayName: string }> = {},
) {
  counter += 1;
  return {
    email: `user${counter}.${process.pid}.${Date.now()}@example.com`,
    password: 'correct horse battery',
    displayName: `User ${counter}`,
    ...overrides,
  };
}

/** A signed-up user, with the session the sign-up returned. */
export interface Customer {
  session: Session;
  userId: string;
  token: string;
}

/** Signs a new account up (with `email`, when given) through user-service's API. */
export async function signUp(usersUrl: string, email?: string): Promise<Customer> {
  const res = await request(usersUrl)
    .post('/api/v1/auth/signup')
    .send(newAccount(email ? { email } : {}))
    .expect(201);
  const session = res.body as Session;
  return { session, userId: session.user.id, token: session.accessToken };
}

/** One user-service for a test file: booted before its tests, stopped (schema dropped) after. */
export interface UserServiceTestbed {
  /** The running service (set once `beforeAll` ran). */
  readonly svc: UserServiceUnderTest;
  /** SQL on the service's schema. */
  sql: SchemaSql;
  http(): ReturnType<typeof request>;
  /** Signs `body` (a fresh account by default) up; resolves with the session. */
  signup(body?: object): Promise<Session>;
}

/**
 * Registers the `beforeAll`/`afterAll` of a user-service on its own namespace and schema, with
 * sign-up and login limits out of the way unless `extra` sets them.
 */
export function userServiceTestbed(extra: Env = {}): UserServiceTestbed {
  let svc: UserServiceUnderTest | undefined;
  let db: { sql: SchemaSql; end(): Promise<void> } | undefined;
  const running = () => {
    if (!svc) throw new Error('user-service is not booted yet (use it inside a test)');
    return svc;
  };
  beforeAll(async () => {
    svc = await bootUserService(uniqueName('t'), { AUTH_RATE_LIMIT_PER_MINUTE: '10000', ...extra });
    db = await connectToSchema(svc.schema.schema);
  });
  afterAll(async () => {
    await db?.end();
    await svc?.stop();
  });
  const bed: UserServiceTestbed = {
    get svc() {
      return running();
    },
    sql: <T = Record<string, unknown>>(text: string, params?: unknown[]) => {
      if (!db) throw new Error('user-service is not booted yet (use it inside a test)');
      return db.sql<T>(text, params);
    },
    http: () => request(running().url),
    async signup(body = newAccount()) {
      return (await bed.http().post('/api/v1/auth/signup').send(body).expect(201)).body as Session;
    },
  };
  return bed;
}
