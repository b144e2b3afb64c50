import { type DynamicModule, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type BaseConfig, ReadinessRegistry } from '@pingvas/common';
import { DataSource } from 'typeorm';
import { dataSourceOptions, type ServiceDatabase } from './service-database';

/** The `ServiceDatabase` the module was made for: who owns the tables (the outbox's name). */
export const SERVICE_DATABASE = Symbol('SERVICE_DATABASE');

@Injectable()
class PostgresReadiness implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: 'postgres',
      check: async () => {
        await this.dataSource.query('SELECT 1');
      },
    });
  }
}

/** The service's TypeORM connection in its environment's schema, and its `/ready` check. */
@Module({})
export class DatabaseModule {
  static forService(db: ServiceDatabase): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: BaseConfig) => ({
            ...dataSourceOptions(config.database, db),
            retryAttempts: 10,
            retryDelay: 2000,
          }),
        }),
      ],
      providers: [PostgresReadiness, { provide: SERVICE_DATABASE, useValue: db }],
      exports: [SERVICE_DATABASE],
    };
  }
}
