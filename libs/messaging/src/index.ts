export * from './messaging.module';
export * from './redis-options';
export * from './redis-transport';
export * from './rpc-client';
export * from './rpc-errors';
export * from './rpc-server';
export * from './start-service';
export * from './system.controller';
