import type { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { type ScheduledJob, scheduleEvery } from '../repeatable-job';
import { QueueConsumer } from './on-job';

export interface Schedule {
  /** The maintenance queue the job runs on (the consumer's own queue). */
  queue: Queue;
  /** The scheduled job's name, from `ScheduledJobNames`. */
  name: string;
  everyMs: number;
}

/**
 * The base of a `@JobConsumer` whose job runs on a timer: one scheduler entry in Redis however
 * many replicas start (`scheduleEvery`), asserted at boot and stopped at shutdown. The
 * subclass declares the `@OnJob` handler of `name` like any other consumer.
 */
export abstract class ScheduledConsumer
  extends QueueConsumer
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  protected abstract readonly logger: Logger;
  private scheduled?: ScheduledJob;

  protected abstract schedule(): Schedule;

  onApplicationBootstrap(): void {
    const { queue, name, everyMs } = this.schedule();
    this.scheduled = scheduleEvery(queue, name, everyMs, this.logger);
  }

  onApplicationShutdown(): void | Promise<void> {
    this.scheduled?.stop();
  }
}
