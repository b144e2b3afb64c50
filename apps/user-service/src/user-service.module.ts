import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@pingvas/common';
import { DatabaseModule } from '@pingvas/database';
import { createSystemController, MessagingModule } from '@pingvas/messaging';
import type { UserServiceConfig } from './config';
import { USER_DATABASE } from './database';

@Module({})
export class UserServiceModule {
  static forRoot(config: UserServiceConfig): DynamicModule {
    return {
      module: UserServiceModule,
      imports: [
        PlatformModule.forRoot(config),
        DatabaseModule.forService(USER_DATABASE),
        MessagingModule.forRoot(),
      ],
      controllers: [createSystemController('user')],
    };
  }
}
