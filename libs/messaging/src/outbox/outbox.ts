import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type BaseConfig, currentRequestId } from '@pingvas/common';
import { type JobName, type JobPayload, outboxPolicyOf, type QueueName } from '@pingvas/contracts';
import { SERVICE_DATABASE, type ServiceDatabase, SqlRepository, type Tx } from '@pingvas/database';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { reconnectDelay, redisOptionsFromUrl } from '../redis-options';
import { type OutboxRowsAbout, whereAbout } from './outbox-rows';
import { outboxTable } from './outbox-table';

/** A job for the outbox, typed by the queue contract. */
export interface OutboxJob<Q extends QueueName, N extends JobName<Q>> {
  queue: Q;
  name: N;
  /** BullMQ job id: the same id is never queued twice while the job exists. */
  jobId: string;
  payload: JobPayload<Q, N>;
}

/** An unpublished row, as the relay reads it. */
interface PendingRow {
  id: string;
  queue: string;
  name: string;
  job_id: string;
  payload: Record<string, unknown>;
}

const RELAY_INTERVAL_MS = 2000;
const BATCH = 100;
/**
 * How long a relayed row stays (to see what went out, and as a second guard of job ids while the
 * BullMQ job itself is kept: 24 h). Payloads can carry personal data (user.created holds the
 * address), so no row outlives this; an account's deletion removes its rows at once.
 */
export const RELAYED_RETENTION_HOURS = 48;
const PRUNE_INTERVAL_MS = 10 * 60_000;

/**
 * Transactional outbox: `add()` writes the job in the caller's transaction, so it exists if
 * and only if the change committed; `flush()` (right after commit, and on a timer for anything
 * a crash left behind) moves unpublished rows to their BullMQ queues. Consumers are idempotent,
 * so a row published twice (crash between add and mark) does no harm. The outbox owns its
 * table (`outbox_<service>` of the service whose DatabaseModule it runs under).
 */
@Injectable()
export class Outbox extends SqlRepository implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Outbox.name);
  private readonly queues = new Map<string, Queue>();
  private readonly table: string;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<number>;
  private lastPrune = 0;

  constructor(
    dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: BaseConfig,
    @Inject(SERVICE_DATABASE) db: ServiceDatabase,
  ) {
    super(dataSource);
    this.table = outboxTable(db.service);
  }

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
    manager: Tx,
    job: OutboxJob<Q, N>,
  ): Promise<void> {
    // BullMQ refuses custom ids with ':' (its key separator); fail at the write, not at relay time.
    if (job.jobId.includes(':'))
      throw new Error(`outbox job id must not contain ':' (${job.jobId})`);
    const requestId = currentRequestId();
    const payload = { ...job.payload, ...(requestId ? { requestId } : {}) };
    await this.query(
      `INSERT INTO "${this.table}" ("id", "queue", "name", "job_id", "payload")
       VALUES ($1, $2, $3, $4, $5)`,
      [randomUUID(), job.queue, job.name, job.jobId, JSON.stringify(payload)],
      manager,
    );
  }

  /** Publishes what is waiting; resolves with how many jobs went out. Never rejects. */
  flush(): Promise<number> {
    this.flushing ??= this.publishPending()
      .then(async (published) => {
        if (Date.now() - this.lastPrune >= PRUNE_INTERVAL_MS) {
          this.lastPrune = Date.now();
          await this.pruneRelayed();
        }
        return published;
      })
      .catch((err: unknown) => {
        this.logger.warn(`outbox relay failed, will retry: ${String(err)}`);
        return 0;
      })
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async publishPending(): Promise<number> {
    return this.transaction(async (tx) => {
      // SKIP LOCKED: replicas relaying at once each take different rows.
      const rows = await this.query<PendingRow>(
        `SELECT "id", "queue", "name", "job_id", "payload" FROM "${this.table}"
          WHERE "published_at" IS NULL ORDER BY "created_at" LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED`,
        [],
        tx,
      );
      let published = 0;
      for (const row of rows) {
        const policy = outboxPolicyOf(row.queue);
        try {
          await this.queue(row.queue).add(row.name, row.payload, {
            jobId: row.job_id,
            attempts: policy.attempts,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: { age: policy.keepCompletedSeconds, count: 10_000 },
            removeOnFail: { age: 7 * 24 * 3600 },
          });
          await this.modify(
            `UPDATE "${this.table}" SET "published_at" = clock_timestamp(),
              "attempts" = "attempts" + 1, "last_error" = NULL WHERE "id" = $1`,
            [row.id],
            tx,
          );
          published++;
        } catch (err) {
          await this.modify(
            `UPDATE "${this.table}" SET "attempts" = "attempts" + 1, "last_error" = $2
              WHERE "id" = $1`,
            [row.id, String(err).slice(0, 500)],
            tx,
          );
          break; // Redis is likely away: keep order, retry on the next tick.
        }
      }
      return published;
    });
  }

  /** Whether a job with this id was ever added to this queue (and its row not yet pruned). */
  async holds(queue: string, jobId: string, tx?: Tx): Promise<boolean> {
    const rows = await this.query(
      `SELECT 1 FROM "${this.table}" WHERE "job_id" = $1 AND "queue" = $2 LIMIT 1`,
      [jobId, queue],
      tx,
    );
    return rows.length > 0;
  }

  /**
   * Deletes the rows about a person, relayed or not (what went out is in its queue already;
   * what has not must not go). Rows the relay holds are locked: this waits for it.
   */
  async purge(about: OutboxRowsAbout, tx?: Tx): Promise<number> {
    const { where, params } = whereAbout(about);
    const { count } = await this.modify(`DELETE FROM "${this.table}" WHERE ${where}`, params, tx);
    return count;
  }

  /** How many rows about a person are left (after a purge: those written since). */
  async count(about: OutboxRowsAbout): Promise<number> {
    const { where, params } = whereAbout(about);
    const [row] = await this.query<{ n: number }>(
      `SELECT count(*)::int AS "n" FROM "${this.table}" WHERE ${where}`,
      params,
    );
    return Number(row.n);
  }

  /** Removes the rows relayed more than RELAYED_RETENTION_HOURS ago; resolves with how many. */
  async pruneRelayed(): Promise<number> {
    const { count } = await this.modify(
      `DELETE FROM "${this.table}"
        WHERE "published_at" < clock_timestamp() - make_interval(hours => $1)`,
      [RELAYED_RETENTION_HOURS],
    );
    return count;
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
