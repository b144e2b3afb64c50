export * from './boot';
export * from './infra';
export * from './redis-server';
export * from './tokens';
export * from './user-service';
export * from './payment-service';
export * from './lemon-squeezy';
