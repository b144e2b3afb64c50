import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyEntity } from './api-keys/api-key.entity';
import { ApiKeysService } from './api-keys/api-keys.service';
import { RefreshTokenEntity } from './auth/refresh-token.entity';
import { KeysModule } from './keys/keys.module';
import { UserEntity } from './users/user.entity';

/**
 * What the shared guard needs inside user-service itself: its own key ring (no JWKS round
 * trip to itself) and the API key table (no RPC to itself).
 */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, RefreshTokenEntity, ApiKeyEntity]), KeysModule],
  providers: [ApiKeysService],
  exports: [ApiKeysService, KeysModule, TypeOrmModule],
})
export class IdentityModule {}
