import { Processor, WorkerHost } from '@nestjs/bullmq';
import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { JobName, JobPayload, QueueName } from '@pingvas/contracts';
import { type Job, UnrecoverableError, type WorkerOptions } from 'bullmq';
import { retryWhileDatabaseAway } from '../database-outage-jobs';

export const JOB_CONSUMER = 'pingvas:job-consumer';
export const JOB_HANDLER = 'pingvas:job-handler';

export interface JobHandlerOptions {
  /** While PostgreSQL is away the job waits without spending an attempt (default true). */
  waitForDatabase?: boolean;
}

export interface JobHandlerMetadata extends Required<JobHandlerOptions> {
  queue: QueueName;
  name: string;
}

export type JobHandlerFn<Q extends QueueName, N extends JobName<Q>> = (
  data: JobPayload<Q, N>,
  job: Job<JobPayload<Q, N>>,
) => Promise<unknown>;

/**
 * Marks the class as the consumer of `queue` (a BullMQ worker, started by @nestjs/bullmq).
 * Its jobs go to the methods marked `@OnJob`; `JobHandlers` checks at boot that each job name
 * of the queue's contract has exactly one.
 */
export function JobConsumer(
  queue: QueueName,
  options: Partial<Omit<WorkerOptions, 'connection'>> = {},
): ClassDecorator {
  return applyDecorators(SetMetadata(JOB_CONSUMER, queue), Processor(queue, options));
}

/** The handler of job `name` on `queue`; the method's payload type is the contract's. */
export function OnJob<Q extends QueueName, N extends JobName<Q>>(
  queue: Q,
  name: N,
  options: JobHandlerOptions = {},
): <M extends JobHandlerFn<Q, N>>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void {
  const metadata: JobHandlerMetadata = {
    queue,
    name,
    waitForDatabase: options.waitForDatabase ?? true,
  };
  return (_target, _key, descriptor) => {
    if (descriptor.value) Reflect.defineMetadata(JOB_HANDLER, metadata, descriptor.value);
  };
}

type BoundHandler = (job: Job, token?: string) => Promise<unknown>;
type HandlerMethod = (data: unknown, job: Job) => Promise<unknown>;

/** The `@OnJob` methods of a class, with their metadata (own and inherited). */
export function jobHandlersOf(prototype: object): [string, JobHandlerMetadata, HandlerMethod][] {
  const found: [string, JobHandlerMetadata, HandlerMethod][] = [];
  for (let p = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object) {
    for (const key of Object.getOwnPropertyNames(p)) {
      const value = Object.getOwnPropertyDescriptor(p, key)?.value as unknown;
      if (typeof value !== 'function') continue;
      const meta = Reflect.getMetadata(JOB_HANDLER, value) as JobHandlerMetadata | undefined;
      if (meta) found.push([key, meta, value as HandlerMethod]);
    }
  }
  return found;
}

/**
 * The base of every `@JobConsumer`: runs each job through the `@OnJob` method of its name.
 * Handlers are bound in the constructor, before @nestjs/bullmq starts the worker.
 */
export abstract class QueueConsumer extends WorkerHost {
  private readonly handlers = new Map<string, BoundHandler>();

  constructor() {
    super();
    for (const [, meta, method] of jobHandlersOf(Object.getPrototypeOf(this) as object)) {
      const run = (job: Job) => method.call(this, job.data, job);
      this.handlers.set(
        meta.name,
        meta.waitForDatabase
          ? (job, token) => retryWhileDatabaseAway(job, token, () => run(job))
          : (job) => run(job),
      );
    }
  }

  async process(job: Job, token?: string): Promise<unknown> {
    const handler = this.handlers.get(job.name);
    // The boot check makes this unreachable for names in the contract; a stranger is not retried.
    if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
    return handler(job, token);
  }
}
