export * from './errors';
export * from './generation';
export * from './queue-contract';
export * from './queues';
export * from './routes';
export * from './rpc';
export * from './services';
export * from './web-client';
