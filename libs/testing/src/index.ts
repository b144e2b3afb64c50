export * from './boot';
export * from './infra';
export * from './redis-server';
export * from './tokens';
export * from './user-service';
