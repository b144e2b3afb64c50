import { AppError } from '@pingvas/common';
import type { PlanForUser, ResolvedModel } from '@pingvas/contracts';
import type { RpcClient } from '@pingvas/messaging';
import type { GenerationServiceConfig } from '../config';
import type { CreditSettlement } from './credit-settlement';
import type { CreateGenerationDto } from './generation.dto';
import type { GenerationEvents } from './generation-events';
import type { GenerationMetrics } from './generation-metrics';
import type { GenerationViews } from './generation-views';
import type { GenerationsRepository } from './generations.repository';
import { generationCost, GenerationsService, requestHash } from './generations.service';
import type { LostGenerations } from './lost-generations';
import type { TierQueues } from './tier-queues';

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

/** The service with every collaborator a strict mock: RPC answers the plan, then the model. */
function setup() {
  const rpc = { send: jest.fn() };
  rpc.send.mockResolvedValueOnce(PLAN).mockResolvedValueOnce(MODEL);
  const repo = { dataSource: { transaction: jest.fn() } };
  const sut = new GenerationsService(
    { generation: { holdMinutes: 60 } } as GenerationServiceConfig,
    repo as unknown as GenerationsRepository,
    rpc as unknown as RpcClient,
    {} as TierQueues,
    {} as GenerationEvents,
    {} as CreditSettlement,
    { submittedOne: jest.fn() } as unknown as GenerationMetrics,
    {} as GenerationViews,
    {} as LostGenerations,
  );
  return { sut, mocks: { rpc, repo } };
}

async function problemsOf(body: Partial<CreateGenerationDto>): Promise<string[]> {
  const { sut, mocks } = setup();
  const err = await sut.submit('user-1', { prompt: 'a cat', ...body }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('VALIDATION_FAILED');
  expect(mocks.repo.dataSource.transaction).not.toHaveBeenCalled();
  return ((err as AppError).details as { problems: string[] }).problems;
}

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
    const { sut, mocks } = setup();
    mocks.rpc.send.mockReset();
    mocks.rpc.send
      .mockResolvedValueOnce({ ...PLAN, limits: { ...PLAN.limits, maxSide: 2048 } })
      .mockResolvedValueOnce(MODEL);
    const err = (await sut
      .submit('user-1', { prompt: 'a', width: 1024, height: 64 })
      .catch((e: unknown) => e)) as AppError;
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
    const { sut, mocks } = setup();
    await sut.submit('user-1', { prompt: 'a', width: 72 }).catch(() => undefined);
    expect(mocks.rpc.send).toHaveBeenNthCalledWith(1, 'payment.plans.forUser', {
      userId: 'user-1',
    });
    expect(mocks.rpc.send).toHaveBeenNthCalledWith(2, 'model.models.resolve', {
      modelId: undefined,
      tier: 'starter',
    });
  });
});
