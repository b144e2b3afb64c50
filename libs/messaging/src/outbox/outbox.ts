import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type BaseConfig, currentRequestId } from '@pingvas/common';
import type { JobName, JobPayload, QueueName } from '@pingvas/contracts';
import { Queue } from 'bullmq';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { reconnectDelay, redisOptionsFromUrl } from '../redis-options';
import { OUTBOX_ENTITY, type OutboxRecord } from './outbox.entity';

/** A job for the outbox, typed by the queue contract. */
export interface OutboxJob<Q extends QueueName, N extends JobName<Q>> {
  queue: Q;
  name: N;
  /** BullMQ job id: the same id is never queued twice while the job exists. */
  jobId: string;
  payload: JobPayload<Q, N>;
}

const RELAY_INTERVAL_MS = 2000;
const BATCH = 100;

/**
 * Transactional outbox: `add()` writes the job in the caller's transaction, so it exists if
 * and only if the change committed; `flush()` (right after commit, and on a timer for anything
 * a crash left behind) moves unpublished rows to their BullMQ queues. Consumers are idempotent,
 * so a row published twice (crash between add and mark) does no harm.
 */
@Injectable()
export class Outbox implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Outbox.name);
  private readonly queues = new Map<string, Queue>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<number>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: BaseConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), RELAY_INTERVAL_MS);
    void this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing?.catch(() => undefined);
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  async add<Q extends QueueName, N extends JobName<Q>>(
    manager: EntityManager,
    job: OutboxJob<Q, N>,
  ): Promise<void> {
    // BullMQ refuses custom ids with ':' (its key separator); fail at the write, not at relay time.
    if (job.jobId.includes(':'))
      throw new Error(`outbox job id must not contain ':' (${job.jobId})`);
    const requestId = currentRequestId();
    const record: Omit<OutboxRecord, 'createdAt'> = {
      id: randomUUID(),
      queue: job.queue,
      name: job.name,
      jobId: job.jobId,
      payload: { ...job.payload, ...(requestId ? { requestId } : {}) },
      publishedAt: null,
      attempts: 0,
      lastError: null,
    };
    await manager.getRepository<OutboxRecord>(OUTBOX_ENTITY).save(record);
  }

  /** Publishes what is waiting; resolves with how many jobs went out. Never rejects. */
  flush(): Promise<number> {
    this.flushing ??= this.publishPending()
      .catch((err: unknown) => {
        this.logger.warn(`outbox relay failed, will retry: ${String(err)}`);
        return 0;
      })
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async publishPending(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository<OutboxRecord>(OUTBOX_ENTITY);
      // SKIP LOCKED: replicas relaying at once each take different rows.
      const rows = await repo.find({
        where: { publishedAt: IsNull() },
        order: { createdAt: 'ASC' },
        take: BATCH,
        lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
      });
      let published = 0;
      for (const row of rows) {
        try {
          await this.queue(row.queue).add(row.name, row.payload, {
            jobId: row.jobId,
            attempts: 10,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: { age: 24 * 3600, count: 10_000 },
            removeOnFail: { age: 7 * 24 * 3600 },
          });
          await repo.update(row.id, {
            publishedAt: new Date(),
            attempts: row.attempts + 1,
            lastError: null,
          });
          published++;
        } catch (err) {
          await repo.update(row.id, {
            attempts: row.attempts + 1,
            lastError: String(err).slice(0, 500),
          });
          break; // Redis is likely away: keep order, retry on the next tick.
        }
      }
      return published;
    });
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        prefix: this.config.queue.prefix,
        connection: {
          ...redisOptionsFromUrl(this.config.redis.url),
          retryStrategy: reconnectDelay,
          // Fail an add quickly while Redis is away; the row stays and is retried.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
        },
      });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }
}
