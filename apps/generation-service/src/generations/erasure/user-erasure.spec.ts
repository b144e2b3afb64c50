import { AppError } from '@pingvas/common';
import type { Tx } from '@pingvas/database';
import { DataSource } from 'typeorm';
import type { GenerationRow } from '../store/generations.repository';
import {
  type ErasureCancels,
  type ErasureFiles,
  type ErasureImages,
  type ErasureJobs,
  type ErasureOutbox,
  type ErasureSettlement,
  type ErasureStore,
  type ErasureTierJobs,
  UserErasure,
} from './user-erasure';

const NO_SQL: Tx = new DataSource({ type: 'postgres' }).manager;
const USER = '0b8f6a51-0000-4000-8000-000000000001';

function row(id: string, status: GenerationRow['status'], owed = false): GenerationRow {
  const at = new Date('2026-12-01T00:00:00Z');
  return {
    id,
    userId: USER,
    status,
    prompt: 'a cat',
    negativePrompt: null,
    modelId: 'tiny',
    modelName: 'Tiny',
    modelPath: 'tiny',
    boardId: null,
    params: {
      width: 64,
      height: 64,
      steps: 4,
      guidanceScale: 7,
      seed: 1,
      count: 2,
      scheduler: 'euler',
    },
    tier: 'free',
    queue: 'gen-free',
    cost: 2,
    idempotencyKey: null,
    requestHash: null,
    attempts: 0,
    stepsDone: 0,
    provider: null,
    errorCode: null,
    errorMessage: null,
    settlement: owed ? 'release' : null,
    settledAt: null,
    createdAt: at,
    enqueuedAt: at,
    startedAt: null,
    finishedAt: null,
    updatedAt: at,
  };
}

/** The user's rows in memory; the lock and the final delete are logged. */
class InMemoryGenerations implements ErasureStore {
  constructor(
    private readonly rows: GenerationRow[],
    private readonly log: string[],
  ) {}

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return fn(NO_SQL);
  }

  async lockUser(): Promise<void> {
    this.log.push('lock');
  }

  async inFlightOf(): Promise<GenerationRow[]> {
    return this.rows.filter((r) => r.status === 'queued' || r.status === 'running');
  }

  async allOf(): Promise<GenerationRow[]> {
    return [...this.rows];
  }

  async deleteAllOf(): Promise<number> {
    this.log.push('delete rows');
    const n = this.rows.length;
    this.rows.length = 0;
    return n;
  }
}

/** Payment-service, away or not: a cancel or a settlement while away fails as the real one does. */
class FakeSettling implements ErasureCancels, ErasureSettlement {
  constructor(
    private readonly rows: GenerationRow[],
    private readonly paymentAway: { on: boolean },
    private readonly log: string[],
  ) {}

  async cancelForErasure(r: GenerationRow): Promise<void> {
    this.log.push(`cancel ${r.id}`);
    r.status = 'canceled';
    r.settlement = 'release';
    this.refuseWhileAway();
    r.settledAt = new Date();
  }

  async settle(id: string): Promise<void> {
    this.refuseWhileAway();
    this.log.push(`settle ${id}`);
    const owed = this.rows.find((r) => r.id === id);
    if (owed) owed.settledAt = new Date();
  }

  private refuseWhileAway(): void {
    if (this.paymentAway.on) throw new AppError('UPSTREAM_UNAVAILABLE', 'payment is away');
  }
}

/** No images recorded, no job left in Redis, no outbox row; deleted files are logged. */
class Leftovers
  implements ErasureImages, ErasureTierJobs, ErasureJobs, ErasureFiles, ErasureOutbox
{
  constructor(private readonly log: string[]) {}

  async of(): ReturnType<ErasureImages['of']> {
    return [];
  }

  async getJob(): Promise<undefined> {
    return undefined;
  }

  async delete(key: string): Promise<void> {
    this.log.push(`delete ${key}`);
  }

  async purge(): Promise<number> {
    return 0;
  }
}

/** What the erasure did, in order, against small fakes of its collaborators. */
function erasureWith(rows: GenerationRow[], paymentAway: { on: boolean }) {
  const log: string[] = [];
  const payment = new FakeSettling(rows, paymentAway, log);
  const leftovers = new Leftovers(log);
  const erasure = new UserErasure(
    new InMemoryGenerations(rows, log),
    leftovers,
    payment,
    payment,
    leftovers,
    leftovers,
    leftovers,
    leftovers,
    leftovers,
  );
  return { erasure, log };
}

describe('UserErasure', () => {
  it('cancels what is in flight, settles what is owed, removes the files, then the rows', async () => {
    const rows = [row('g1', 'queued'), row('g2', 'failed', true), row('g3', 'succeeded')];
    const { erasure, log } = erasureWith(rows, { on: false });
    expect(await erasure.erase(USER)).toEqual({ canceled: 1, deleted: 3 });
    expect(log).toEqual([
      'lock',
      'cancel g1',
      'settle g2',
      ...['g1', 'g2', 'g3'].flatMap((g) => [
        `delete images/${USER}/${g}/0.png`,
        `delete images/${USER}/${g}/1.png`,
      ]),
      'delete rows',
    ]);
  });

  it('keeps every row while payment-service is away, and finishes the job on the next run', async () => {
    const rows = [row('g1', 'running'), row('g2', 'failed', true)];
    const away = { on: true };
    const { erasure, log } = erasureWith(rows, away);
    await expect(erasure.erase(USER)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(log).not.toContain('delete rows');
    expect(rows).toHaveLength(2);

    away.on = false;
    log.length = 0;
    // The canceled one is no longer in flight: only its release (and g2's) is left to send.
    expect(await erasure.erase(USER)).toEqual({ canceled: 0, deleted: 2 });
    expect(log.filter((l) => !l.startsWith('delete images'))).toEqual([
      'lock',
      'settle g1',
      'settle g2',
      'delete rows',
    ]);
  });
});
