import type { ServiceDatabase } from '@pingvas/database';
import { CreateIdentity1795300000000 } from './migrations/1795300000000-CreateIdentity';
import { RefreshTokenSuccessor1795900000000 } from './migrations/1795900000000-RefreshTokenSuccessor';
import { EmailTokens1796000000000 } from './migrations/1796000000000-EmailTokens';
import { EmailChangeAndExports1796100000000 } from './migrations/1796100000000-EmailChangeAndExports';
import { ExpiryIndexes1796400000000 } from './migrations/1796400000000-ExpiryIndexes';

/**
 * The tables user-service owns (DESIGN §3) and the migrations that make them: users,
 * refresh tokens, API keys, mailed tokens, exports and the outbox, each read and written by its repository in SQL.
 */
export const USER_DATABASE: ServiceDatabase = {
  service: 'user',
  migrations: [
    CreateIdentity1795300000000,
    RefreshTokenSuccessor1795900000000,
    EmailTokens1796000000000,
    EmailChangeAndExports1796100000000,
    ExpiryIndexes1796400000000,
  ],
};
