import type { Env } from '@pingvas/common';
import {
  bootOnTestSchema,
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
