import { erasureQueue, UserDeletedJobName, type UserDeletedEvent } from '@pingvas/contracts';
import { JobConsumer, OnJob, QueueConsumer } from '@pingvas/messaging';
import { type ErasureOutcome, UserErasure } from './user-erasure';

const QUEUE = erasureQueue('gallery');

/**
 * `user.deleted` on gallery-service's own erasure queue. A failing step (the blob store or
 * Elasticsearch away) throws and BullMQ retries the whole erasure, which is idempotent; while
 * the database is away the job waits without spending its attempts.
 */
@JobConsumer(QUEUE)
export class ErasureConsumer extends QueueConsumer {
  constructor(private readonly erasure: UserErasure) {
    super();
  }

  @OnJob(QUEUE, UserDeletedJobName)
  userDeleted(event: UserDeletedEvent): Promise<ErasureOutcome> {
    return this.erasure.erase(event.userId);
  }
}
