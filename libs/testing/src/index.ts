export * from './boot';
export * from './infra';
export * from './redis-server';
