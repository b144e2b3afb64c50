import { createTestSchema, type TestSchema } from '@pingvas/database';
import type { Env } from '@pingvas/common';
import { loadUserServiceConfig } from '../../../apps/user-service/src/config';
import { USER_DATABASE } from '../../../apps/user-service/src/database';
import { UserServiceModule } from '../../../apps/user-service/src/user-service.module';
import { bootService, type RunningApp } from './boot';
import { TEST_DATABASE_URL, testEnv } from './infra';
import { type SigningKeyFixture, signingKeyFixture } from './tokens';

export interface UserServiceUnderTest extends RunningApp {
  schema: TestSchema;
  key: SigningKeyFixture;
  stop(): Promise<void>;
}

/** user-service in this process, on its own schema and namespace, signing with a test key. */
export async function bootUserService(
  namespace: string,
  extra: Env = {},
): Promise<UserServiceUnderTest> {
  const schema = await createTestSchema(TEST_DATABASE_URL, USER_DATABASE);
  const key = await signingKeyFixture();
  const config = loadUserServiceConfig(
    testEnv({
      schema: schema.schema,
      namespace,
      extra: { JWT_PRIVATE_KEYS: key.privateKeysJson, ...extra },
    }),
  );
  const running = await bootService(UserServiceModule.forRoot(config), config);
  return {
    ...running,
    schema,
    key,
    stop: async () => {
      await running.close();
      await schema.drop();
    },
  };
}

export interface Session {
  user: { id: string; email: string; displayName: string | null; role: string; createdAt: string };
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
