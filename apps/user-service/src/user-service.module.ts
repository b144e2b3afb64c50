import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule, PlatformModule } from '@pingvas/common';
import { QueueNames } from '@pingvas/contracts';
import { DatabaseModule } from '@pingvas/database';
import {
  createSystemController,
  MessagingModule,
  Outbox,
  RateLimitModule,
} from '@pingvas/messaging';
import { AccountAuthController } from './account/account-auth.controller';
import { AccountController } from './account/account.controller';
import { AccountDeletionService } from './account/account-deletion.service';
import { AccountMail } from './account/account-mail';
import { EmailVerificationService } from './account/email-verification.service';
import { PasswordResetService } from './account/password-reset.service';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysRpcController } from './api-keys/api-keys.rpc.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { ClosedSignIns } from './auth/closed-sign-ins';
import { PasswordHasher } from './auth/password-hasher';
import { RefreshCookie } from './auth/refresh-cookie';
import { blobStorageProvider } from '@pingvas/storage';
import { RefreshTokensRepository } from './auth/refresh-tokens.repository';
import type { UserServiceConfig } from './config';
import { USER_DATABASE } from './database';
import { EmailTokensRepository } from './email-tokens/email-tokens.repository';
import { ExpiredRecordsCleanup } from './expired-records-cleanup';
import { ExportLinks } from './exports/export-links';
import { ExportsController } from './exports/exports.controller';
import { ExportsRepository } from './exports/exports.repository';
import { ExportsRpcController } from './exports/exports.rpc.controller';
import { ExportsService } from './exports/exports.service';
import { IdentityModule } from './identity.module';
import { KeyRing } from './keys/key-ring';
import { UsersController } from './users/users.controller';
import { UsersRpcController } from './users/users.rpc.controller';
import { UsersService } from './users/users.service';

const MINUTE_MS = 60_000;

@Module({})
export class UserServiceModule {
  static forRoot(config: UserServiceConfig): DynamicModule {
    const authLimit = { limit: config.authRateLimitPerMinute, windowMs: MINUTE_MS };
    return {
      module: UserServiceModule,
      imports: [
        PlatformModule.forRoot(config),
        DatabaseModule.forService(USER_DATABASE),
        MessagingModule.forRoot(),
        RateLimitModule.forRoot(config, { ip: authLimit, email: authLimit, user: authLimit }),
        IdentityModule,
        AuthModule.forRoot({ imports: [IdentityModule], keys: KeyRing, apiKeys: ApiKeysService }),
        BullModule.registerQueue({ name: QueueNames.userMaintenance }),
      ],
      controllers: [
        createSystemController('user'),
        AuthController,
        AccountAuthController,
        UsersController,
        AccountController,
        ApiKeysController,
        ExportsController,
        UsersRpcController,
        ApiKeysRpcController,
        ExportsRpcController,
      ],
      providers: [
        AuthService,
        ClosedSignIns,
        UsersService,
        RefreshTokensRepository,
        PasswordHasher,
        RefreshCookie,
        Outbox,
        AccountMail,
        EmailTokensRepository,
        EmailVerificationService,
        PasswordResetService,
        AccountDeletionService,
        ExportsRepository,
        ExportLinks,
        ExportsService,
        blobStorageProvider,
        ExpiredRecordsCleanup,
      ],
    };
  }
}
