import type { ServiceDatabase } from '@pingvas/database';
import { outboxEntity } from '@pingvas/messaging';
import { ApiKeyEntity } from './api-keys/api-key.entity';
import { RefreshTokenEntity } from './auth/refresh-token.entity';
import { CreateIdentity1795300000000 } from './migrations/1795300000000-CreateIdentity';
import { UserEntity } from './users/user.entity';

/** The tables user-service owns (DESIGN §3) and the migrations that make them. */
export const USER_DATABASE: ServiceDatabase = {
  service: 'user',
  entities: [UserEntity, RefreshTokenEntity, ApiKeyEntity, outboxEntity('user')],
  migrations: [CreateIdentity1795300000000],
};
