import { AppError } from '@pingvas/common';
import type { Tx } from '@pingvas/database';
import type { BlobStorage } from '@pingvas/storage';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import type { CreditSettlement } from '../finish/credit-settlement';
import type { GenerationCancel } from '../finish/generation-cancel';
import type { GenerationRow, GenerationsRepository } from '../store/generations.repository';
import type { TierQueues } from '../store/tier-queues';
import { UserErasure } from './user-erasure';

const NO_SQL: Tx = new DataSource({ type: 'postgres' }).manager;
const USER = '0b8f6a51-0000-4000-8000-000000000001';

function row(id: string, status: GenerationRow['status'], owed = false): GenerationRow {
  return {
    id,
    userId: USER,
    status,
    tier: 'free',
    params: { count: 2 },
    settlement: owed ? 'release' : null,
    settledAt: null,
    attempts: 0,
  } as unknown as GenerationRow;
}

/** What the erasure did, in order, against small fakes of its collaborators. */
function erasureWith(rows: GenerationRow[], paymentAway: { on: boolean }) {
  const log: string[] = [];
  const repo = {
    transaction: <T>(fn: (tx: Tx) => Promise<T>) => fn(NO_SQL),
    lockUser: async () => void log.push('lock'),
    inFlightOf: async () => rows.filter((r) => r.status === 'queued' || r.status === 'running'),
    allOf: async () => rows,
    images: async () => [],
    deleteAllOf: async () => {
      log.push('delete rows');
      const n = rows.length;
      rows.length = 0;
      return n;
    },
  };
  const cancels = {
    cancelForErasure: async (r: GenerationRow) => {
      log.push(`cancel ${r.id}`);
      r.status = 'canceled';
      r.settlement = 'release';
      if (paymentAway.on) throw new AppError('UPSTREAM_UNAVAILABLE', 'payment is away');
      r.settledAt = new Date();
    },
  };
  const settlement = {
    settle: async (id: string) => {
      if (paymentAway.on) throw new AppError('UPSTREAM_UNAVAILABLE', 'payment is away');
      log.push(`settle ${id}`);
      const owed = rows.find((r) => r.id === id);
      if (owed) owed.settledAt = new Date();
    },
  };
  const noJobs = { getJob: async () => undefined };
  const storage = { delete: async (key: string) => void log.push(`delete ${key}`) };
  const erasure = new UserErasure(
    repo as unknown as GenerationsRepository,
    cancels as unknown as GenerationCancel,
    settlement as unknown as CreditSettlement,
    noJobs as unknown as TierQueues,
    noJobs as unknown as Queue,
    noJobs as unknown as Queue,
    storage as unknown as BlobStorage,
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
