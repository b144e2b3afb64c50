import { erasureQueue, UserDeletedJobName, type UserDeletedEvent } from '@pingvas/contracts';
import { JobConsumer, OnJob, QueueConsumer } from '@pingvas/messaging';
import { type ErasureOutcome, UserErasure } from './user-erasure';

const QUEUE = erasureQueue('generation');

/**
 * `user.deleted` on generation-service's own erasure queue. A step that fails (payment-service
 * or the blob store away) throws and BullMQ retries the whole erasure, which is idempotent;
 * while the database is away the job waits without spending its attempts.
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
