import { Module } from '@nestjs/common';
import { AccessTokenIssuer } from './access-token.issuer';
import { JwksController } from './jwks.controller';
import { KeyRing } from './key-ring';

@Module({
  controllers: [JwksController],
  providers: [KeyRing, AccessTokenIssuer],
  exports: [KeyRing, AccessTokenIssuer],
})
export class KeysModule {}
