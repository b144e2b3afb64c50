import { Module } from '@nestjs/common';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { ApiKeysService } from './api-keys/api-keys.service';
import { KeysModule } from './keys/keys.module';
import { UsersRepository } from './users/users.repository';

/**
 * What the shared guard needs inside user-service itself: its own key ring (no JWKS round
 * trip to itself) and the API key table (no RPC to itself; account deletion uses its repository too).
 */
@Module({
  imports: [KeysModule],
  providers: [ApiKeysService, ApiKeysRepository, UsersRepository],
  exports: [ApiKeysService, ApiKeysRepository, UsersRepository, KeysModule],
})
export class IdentityModule {}
