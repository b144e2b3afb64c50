export * from './add-job';
export * from './job-handlers';
export * from './on-job';
export * from './scheduled-consumer';
