import type { Tier } from '@pingvas/contracts';
import { offlineDataSource, type Tx } from '@pingvas/database';
import { RpcClient } from '@pingvas/messaging';
import { loadModelServiceConfig } from '../config';
import { type Model, type ModelChanges, ModelsRepository } from './models.repository';
import { ModelsService } from './models.service';

const database = offlineDataSource();
const config = loadModelServiceConfig({ APP_ENV: 'test' });

/** The `models` table in memory, by id. */
class InMemoryModels extends ModelsRepository {
  readonly rows = new Map<string, Model>();

  constructor() {
    super(database);
  }

  override transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return fn(database.manager);
  }

  override async findById(id: string): Promise<Model | null> {
    return this.rows.get(id) ?? null;
  }

  override async lockById(id: string): Promise<Model | null> {
    return this.findById(id);
  }

  override async findByName(name: string): Promise<Model | null> {
    return [...this.rows.values()].find((m) => m.name === name) ?? null;
  }

  override async findDefault(): Promise<Model | null> {
    return [...this.rows.values()].find((m) => m.isDefault) ?? null;
  }

  override async update(id: string, changes: ModelChanges): Promise<void> {
    const row = this.rows.get(id);
    if (row) this.rows.set(id, { ...row, ...changes, updatedAt: new Date() });
  }
}

function model(overrides: Partial<Model>): Model {
  return {
    id: '3f2a1c4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
    name: 'sd-turbo',
    path: 'sd-turbo',
    family: 'sd-turbo',
    status: 'validated',
    problems: [],
    hashes: {},
    enabled: true,
    isDefault: false,
    defaults: { steps: 4, guidanceScale: 1, width: 512, height: 512, scheduler: 'euler' },
    limits: { minSide: 64, maxSide: 1024, maxSteps: 50 },
    cost: { perImage: 1, perStep: 1 },
    minTier: 'free',
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  };
}

function setup(...models: Model[]) {
  const repo = new InMemoryModels();
  for (const m of models) repo.rows.set(m.id, m);
  return { sut: new ModelsService(repo, new RpcClient(config), config), repo };
}

describe('ModelsService', () => {
  it.each<Tier>(['free', 'starter'])(
    'refuses a pro model to the %s tier with MODEL_TIER_FORBIDDEN',
    async (tier) => {
      const { sut } = setup(model({ name: 'sdxl', minTier: 'pro' }));

      await expect(sut.resolve({ modelId: 'sdxl', tier })).rejects.toMatchObject({
        code: 'MODEL_TIER_FORBIDDEN',
      });
    },
  );

  it('resolves a pro model for the pro tier', async () => {
    const { sut } = setup(model({ name: 'sdxl', minTier: 'pro' }));

    await expect(sut.resolve({ modelId: 'sdxl', tier: 'pro' })).resolves.toMatchObject({
      name: 'sdxl',
      minTier: 'pro',
    });
  });

  it('refuses a disabled model with MODEL_DISABLED', async () => {
    const { sut } = setup(model({ name: 'old', enabled: false }));

    await expect(sut.resolve({ modelId: 'old', tier: 'studio' })).rejects.toMatchObject({
      code: 'MODEL_DISABLED',
    });
  });

  it('refuses to disable the default model and leaves it enabled', async () => {
    const current = model({ isDefault: true });
    const { sut, repo } = setup(current);

    await expect(sut.update(current.id, { enabled: false })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(repo.rows.get(current.id)?.enabled).toBe(true);
  });

  it('refuses to enable a model that failed validation', async () => {
    const failed = model({ status: 'failed', enabled: false });
    const { sut, repo } = setup(failed);

    await expect(sut.update(failed.id, { enabled: true })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(repo.rows.get(failed.id)?.enabled).toBe(false);
  });
});
