import { Logger } from '@nestjs/common';
import { AppError } from '@pingvas/common';
import type {
  CreditsReserveRequest,
  CreditsReserveResponse,
  GenerationEvent,
  GenerationJob,
  PlanForUser,
  ResolvedModel,
  RpcPattern,
  RpcRequest,
  RpcResponse,
  Tier,
} from '@pingvas/contracts';
import type { Tx } from '@pingvas/database';
import { DataSource } from 'typeorm';
import type { Finish, GenerationRow, NewGeneration } from '../store/generations.repository';
import type { CreateGenerationDto } from './generation.dto';
import {
  generationCost,
  GenerationsService,
  type LostSlots,
  requestHash,
  type SubmitLive,
  type SubmitMetrics,
  type SubmitQueues,
  type SubmitRefusals,
  type SubmitRpc,
  type SubmitCatalogue,
  type SubmitStore,
} from './generations.service';

/** Handed to `transaction` callbacks; the in-memory store never runs SQL on it. */
const NO_SQL: Tx = new DataSource({ type: 'postgres' }).manager;

/** The `generations` table in memory, as much of it as a submit reads and writes. */
class InMemoryGenerations implements SubmitStore {
  readonly rows = new Map<string, GenerationRow>();
  transactions = 0;

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    this.transactions++;
    return fn(NO_SQL);
  }

  async findByIdempotencyKey(userId: string, key: string): Promise<GenerationRow | undefined> {
    return [...this.rows.values()].find((r) => r.userId === userId && r.idempotencyKey === key);
  }

  async lockUser(): Promise<void> {}

  async countInFlight(userId: string): Promise<number> {
    return [...this.rows.values()].filter(
      (r) => r.userId === userId && (r.status === 'queued' || r.status === 'running'),
    ).length;
  }

  async insertIfRoom(g: NewGeneration, maxInFlight: number): Promise<GenerationRow | undefined> {
    if ((await this.countInFlight(g.userId)) >= maxInFlight) return undefined;
    const now = new Date();
    const row: GenerationRow = {
      ...g,
      status: 'queued',
      attempts: 0,
      stepsDone: 0,
      provider: null,
      errorCode: null,
      errorMessage: null,
      settlement: null,
      settledAt: null,
      createdAt: now,
      enqueuedAt: null,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
    };
    this.rows.set(row.id, row);
    return row;
  }

  async markEnqueued(id: string): Promise<void> {
    const row = this.rows.get(id);
    if (row && !row.enqueuedAt) row.enqueuedAt = new Date();
  }

  /** As the repository's conditional update: only from one of `f.from`. */
  finish(id: string, f: Finish): void {
    const row = this.rows.get(id);
    if (!row || !f.from.includes(row.status)) return;
    row.status = f.status;
    row.settlement = f.settlement;
    row.errorCode = f.error?.code ?? null;
    row.errorMessage = f.error?.message ?? null;
  }

  only(): GenerationRow {
    const [row, ...more] = this.rows.values();
    if (!row || more.length > 0)
      throw new Error(`expected one generation, found ${this.rows.size}`);
    return row;
  }
}

/** Refusals end the row in the store; the credits they release are recorded. */
class FakeRefusals implements SubmitRefusals {
  readonly released: string[] = [];

  constructor(private readonly store: InMemoryGenerations) {}

  async refuse(id: string, f: Finish): Promise<void> {
    this.store.finish(id, f);
    if (f.settlement === 'release') this.released.push(id);
  }
}

type Answers = { [P in RpcPattern]?: (request: RpcRequest<P>) => Promise<RpcResponse<P>> };

/** Answers the patterns it was given, in call order recorded; any other pattern fails. */
class FakeRpc implements SubmitRpc {
  readonly calls: { pattern: RpcPattern; request: unknown }[] = [];

  constructor(readonly answers: Answers) {}

  async send<P extends RpcPattern>(pattern: P, request: RpcRequest<P>): Promise<RpcResponse<P>> {
    this.calls.push({ pattern, request });
    const answer = this.answers[pattern];
    if (!answer) throw new Error(`no answer for ${pattern}`);
    return answer(request);
  }

  patterns(): RpcPattern[] {
    return this.calls.map((c) => c.pattern);
  }
}

class FakeQueues implements SubmitQueues {
  readonly jobs: GenerationJob[] = [];
  down = false;

  async add(job: GenerationJob): Promise<void> {
    if (this.down) throw new Error('Connection is closed.');
    this.jobs.push(job);
  }

  async waitingCount(tier: Tier): Promise<number> {
    return this.jobs.filter((j) => j.tier === tier).length;
  }
}

class FakeLive implements SubmitLive {
  readonly events: GenerationEvent[] = [];
  readonly announced: string[] = [];

  async publish(event: GenerationEvent): Promise<void> {
    this.events.push(event);
  }

  async announceJob(queue: string): Promise<void> {
    this.announced.push(queue);
  }
}

class FakeMetrics implements SubmitMetrics {
  readonly submitted: string[] = [];

  submittedOne(tier: string): void {
    this.submitted.push(tier);
  }
}

class FakeLostSlots implements LostSlots {
  readonly checked: string[] = [];

  async releaseSlotsOf(userId: string): Promise<number> {
    this.checked.push(userId);
    return 0;
  }
}

const MODEL: ResolvedModel = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'tiny-sd',
  path: 'tiny-sd',
  family: 'sd-turbo',
  defaults: { steps: 4, guidanceScale: 1, width: 64, height: 64, scheduler: 'euler' },
  limits: { minSide: 64, maxSide: 512, maxSteps: 50 },
  cost: { perImage: 2, perStep: 1 },
  minTier: 'free',
};

const PLAN: PlanForUser = {
  planId: 'starter',
  tier: 'starter',
  limits: { queueWeight: 2, maxJobsInFlight: 2, maxSide: 256, maxImagesPerGeneration: 2 },
};

/**
 * The service on in-memory fakes: payment-service answers the plan and holds credits (or
 * refuses them), model-service answers the model, and the tier queue takes jobs (or is down).
 */
function setup({
  plan = PLAN,
  reserve = async (request: CreditsReserveRequest) => ({
    ...PLAN,
    available: 100 - request.amount,
  }),
}: {
  plan?: PlanForUser;
  reserve?: (request: CreditsReserveRequest) => Promise<CreditsReserveResponse>;
} = {}) {
  const store = new InMemoryGenerations();
  const rpc = new FakeRpc({
    'payment.plans.forUser': async () => plan,
    'model.models.resolve': async () => MODEL,
    'payment.credits.reserve': reserve,
  });
  const queues = new FakeQueues();
  const live = new FakeLive();
  const refusals = new FakeRefusals(store);
  const metrics = new FakeMetrics();
  const lost = new FakeLostSlots();
  // No cache here: every submission asks (catalogue-cache.spec.ts holds what the cache keeps).
  const catalogue: SubmitCatalogue = {
    planOf: (userId) => rpc.send('payment.plans.forUser', { userId }),
    model: (modelId, tier) => rpc.send('model.models.resolve', { modelId, tier }),
  };
  const sut = new GenerationsService(
    { generation: { holdMinutes: 60 } },
    store,
    rpc,
    queues,
    live,
    refusals,
    metrics,
    lost,
    catalogue,
  );
  return { sut, store, rpc, queues, live, refusals, metrics, lost };
}

async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

async function problemsOf(body: Partial<CreateGenerationDto>): Promise<string[]> {
  const { sut, store } = setup();
  const err = await failureOf(sut.submit('user-1', { prompt: 'a cat', ...body }));
  expect(err.code).toBe('VALIDATION_FAILED');
  expect(store.transactions).toBe(0);
  return (err.details as { problems: string[] }).problems;
}

// The service logs the failures these tests cause on purpose.
beforeAll(() => Logger.overrideLogger(false));

describe('generationCost', () => {
  it('charges every image its base and every step it runs', () => {
    expect(generationCost(MODEL, 4, 1)).toBe(6);
    expect(generationCost(MODEL, 10, 3)).toBe(36);
  });
});

describe('requestHash', () => {
  it('is the same whatever the key order, and an undefined field counts as absent', () => {
    const a = requestHash({ prompt: 'x', steps: 4, seed: 1 });
    expect(requestHash({ seed: 1, steps: 4, prompt: 'x' })).toBe(a);
    expect(requestHash({ prompt: 'x', steps: 4, seed: 1, negativePrompt: undefined })).toBe(a);
    expect(requestHash({ prompt: 'x', steps: 4, seed: 2 })).not.toBe(a);
  });
});

describe('GenerationsService.submit limits', () => {
  it('names the plan when a side is past the plan and the model when past the model', async () => {
    expect(await problemsOf({ width: 512, height: 64 })).toEqual([
      'width must be at most 256 on the starter plan',
    ]);
    const { sut } = setup({ plan: { ...PLAN, limits: { ...PLAN.limits, maxSide: 2048 } } });
    const err = await failureOf(sut.submit('user-1', { prompt: 'a', width: 1024, height: 64 }));
    expect(err.message).toBe('width must be at most 512 for tiny-sd');
  });

  it('lists every problem at once: multiples of 8, the smallest side, steps and count', async () => {
    expect(await problemsOf({ width: 100, height: 56, steps: 60, count: 3 })).toEqual([
      'width must be a multiple of 8',
      'height must be at least 64 for tiny-sd',
      'steps must be at most 50 for tiny-sd',
      'count must be at most 2 on the starter plan',
    ]);
  });

  it('resolves the model for the caller’s tier and checks it before anything is stored', async () => {
    const { sut, rpc } = setup();
    await sut.submit('user-1', { prompt: 'a', width: 72 }).catch(() => undefined);
    expect(rpc.calls.slice(0, 2)).toEqual([
      { pattern: 'payment.plans.forUser', request: { userId: 'user-1' } },
      { pattern: 'model.models.resolve', request: { modelId: undefined, tier: 'starter' } },
    ]);
  });
});

describe('GenerationsService.submit', () => {
  it('holds the price under the generation’s id, then queues its job on the tier’s queue', async () => {
    const { sut, store, rpc, queues, metrics } = setup();
    const answer = await sut.submit('user-1', { prompt: 'a cat', steps: 4, count: 2 });

    expect(answer).toMatchObject({ status: 'queued', cost: 12, queue: 'gen-starter', position: 1 });
    expect(rpc.patterns()).toEqual([
      'payment.plans.forUser',
      'model.models.resolve',
      'payment.credits.reserve',
    ]);
    expect(rpc.calls[2]?.request).toEqual({
      reservationId: answer.id,
      userId: 'user-1',
      amount: 12,
      reason: `generation ${answer.id}`,
      holdMinutes: 60,
    });
    expect(queues.jobs.map((j) => [j.generationId, j.tier])).toEqual([[answer.id, 'starter']]);
    expect(store.only()).toMatchObject({ id: answer.id, status: 'queued' });
    expect(store.only().enqueuedAt).not.toBeNull();
    expect(metrics.submitted).toEqual(['starter']);
  });

  it('fails the generation and releases its credits when the job queue is down', async () => {
    const { sut, store, queues, refusals, metrics } = setup();
    queues.down = true;

    const err = await failureOf(sut.submit('user-1', { prompt: 'a cat' }));

    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    const row = store.only();
    expect(row).toMatchObject({ status: 'failed', settlement: 'release' });
    expect(refusals.released).toEqual([row.id]);
    expect(metrics.submitted).toEqual([]);
  });

  it('rejects the generation, queues nothing and releases nothing when credits run short', async () => {
    const { sut, store, queues, refusals } = setup({
      reserve: async () => {
        throw new AppError('INSUFFICIENT_CREDITS', 'Not enough credits');
      },
    });

    const err = await failureOf(sut.submit('user-1', { prompt: 'a cat' }));

    expect(err.code).toBe('INSUFFICIENT_CREDITS');
    expect(store.only()).toMatchObject({ status: 'rejected', errorCode: 'INSUFFICIENT_CREDITS' });
    expect(queues.jobs).toEqual([]);
    expect(refusals.released).toEqual([]);
  });

  it('releases what a reserve with a lost reply may hold, and queues nothing', async () => {
    const { sut, store, queues, refusals } = setup({
      reserve: async () => {
        throw new AppError('UPSTREAM_UNAVAILABLE', 'payment-service did not answer');
      },
    });

    const err = await failureOf(sut.submit('user-1', { prompt: 'a cat' }));

    expect(err.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(store.only()).toMatchObject({ status: 'failed', settlement: 'release' });
    expect(refusals.released).toEqual([store.only().id]);
    expect(queues.jobs).toEqual([]);
  });

  it('refuses a job past the plan’s jobs in flight, after asking which slots are lost, holding nothing', async () => {
    const { sut, store, rpc, lost } = setup();
    await sut.submit('user-1', { prompt: 'one' });
    await sut.submit('user-1', { prompt: 'two' });

    const err = await failureOf(sut.submit('user-1', { prompt: 'three' }));

    expect(err.code).toBe('TOO_MANY_JOBS');
    expect(err.details).toEqual({ inFlight: 2, limit: 2 });
    expect(lost.checked).toEqual(['user-1']);
    expect(store.rows.size).toBe(2);
    expect(rpc.patterns().filter((p) => p === 'payment.credits.reserve')).toHaveLength(2);
  });

  it('answers a repeated Idempotency-Key with the first generation, charged and queued once', async () => {
    const { sut, store, rpc, queues } = setup();
    const first = await sut.submit('user-1', { prompt: 'a cat' }, 'key-1');

    const again = await sut.submit('user-1', { prompt: 'a cat' }, 'key-1');

    expect(again).toEqual({ ...first, position: null });
    expect(store.rows.size).toBe(1);
    expect(queues.jobs).toHaveLength(1);
    expect(rpc.patterns().filter((p) => p === 'payment.credits.reserve')).toHaveLength(1);
  });

  it('refuses an Idempotency-Key used with another body', async () => {
    const { sut } = setup();
    await sut.submit('user-1', { prompt: 'a cat' }, 'key-1');

    const err = await failureOf(sut.submit('user-1', { prompt: 'a dog' }, 'key-1'));

    expect(err.code).toBe('IDEMPOTENCY_MISMATCH');
  });
});
