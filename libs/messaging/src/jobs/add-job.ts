import type { JobName, JobPayload, QueueName } from '@pingvas/contracts';
import type { Job, JobsOptions, Queue } from 'bullmq';

export interface ContractJob<Q extends QueueName, N extends JobName<Q>> {
  queue: Q;
  name: N;
  data: JobPayload<Q, N>;
  opts?: JobsOptions;
}

/** Adds a job typed by the queue contract; `queue` must be the BullMQ queue of that name. */
export function addJob<Q extends QueueName, N extends JobName<Q>>(
  queue: Queue,
  job: ContractJob<Q, N>,
): Promise<Job> {
  if (queue.name !== job.queue) {
    return Promise.reject(new Error(`job for ${job.queue} added to queue ${queue.name}`));
  }
  return queue.add(job.name, job.data, job.opts);
}
