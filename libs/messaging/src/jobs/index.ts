export * from './add-job';
export * from './job-handlers';
export * from './on-job';
