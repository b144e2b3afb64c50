import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Tier, TINY_MODEL } from '@pingvas/contracts';
import { offlineDataSource, type Tx } from '@pingvas/database';
import { makeTinyModel, packageDigest } from '@pingvas/inference';
import { RpcClient } from '@pingvas/messaging';
import { LocalDiskStorage } from '@pingvas/storage';
import { loadModelServiceConfig } from '../config';
import { ModelPackages } from './model-packages';
import {
  type Model,
  type ModelChanges,
  ModelsRepository,
  type NewModel,
} from './models.repository';
import { ModelsService } from './models.service';

const database = offlineDataSource();
const config = loadModelServiceConfig({ APP_ENV: 'test' });

/** The `models` table in memory, by id. */
class InMemoryModels extends ModelsRepository {
  readonly rows = new Map<string, Model>();

  constructor() {
    super(database);
  }

  override async insert(model: NewModel): Promise<Model | null> {
    if (await this.findByName(model.name)) return null;
    const row = { ...model, createdAt: new Date(), updatedAt: new Date() };
    this.rows.set(model.id, row);
    return row;
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
    source: 'local',
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

/** A real blob store and MODELS_DIR in a temporary folder (only registration reads them). */
let root: string;
let storage: LocalDiskStorage;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pingvas-model-service-'));
  storage = new LocalDiskStorage(join(root, 'blobs'));
});

afterAll(() => rm(root, { recursive: true, force: true }));

function setup(...models: Model[]) {
  const repo = new InMemoryModels();
  for (const m of models) repo.rows.set(m.id, m);
  const packages = new ModelPackages(storage, { modelsDir: join(root, 'models') });
  const changes = { announce: async () => undefined };
  return { sut: new ModelsService(repo, new RpcClient(config), packages, changes), repo };
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

  it('registers a package stored under models/ with its files hashed, and hands it to jobs as storage:<prefix>', async () => {
    const { files } = await makeTinyModel(join(root, 'tiny'));
    for (const file of files)
      await storage.put(`models/tiny-sd/1/${file}`, await readFile(join(root, 'tiny', file)));
    const { sut, repo } = setup();

    const saved = await sut.register({
      ...TINY_MODEL,
      name: 'tiny-stored',
      path: undefined,
      storagePrefix: 'models/tiny-sd/1/',
    });

    expect(saved).toMatchObject({
      status: 'validated',
      source: 'storage',
      path: 'models/tiny-sd/1',
    });
    expect(Object.keys(saved.hashes ?? {})).toEqual(
      expect.arrayContaining(['unet/model.onnx', 'tokenizer/tokenizer_config.json']),
    );
    const resolved = await sut.resolve({ modelId: 'tiny-stored', tier: 'free' });
    expect(resolved.path).toBe('storage:models/tiny-sd/1');
    const pkg = await sut.packageOf(saved.id);
    expect(pkg).toEqual({
      id: saved.id,
      name: 'tiny-stored',
      location: { source: 'storage', prefix: 'models/tiny-sd/1' },
      files: repo.rows.get(saved.id)?.hashes,
      digest: packageDigest(saved.hashes ?? {}),
    });
  });

  it.each(['images/u1', 'models/../images', 'models//x', '/models/x'])(
    'refuses the storage prefix %p with BAD_MODEL_PATH',
    async (storagePrefix) => {
      const { sut, repo } = setup();

      await expect(
        sut.register({ ...TINY_MODEL, name: 'bad', path: undefined, storagePrefix }),
      ).rejects.toMatchObject({ code: 'BAD_MODEL_PATH' });
      expect(repo.rows.size).toBe(0);
    },
  );

  it('refuses a registration naming both a path and a storage prefix', async () => {
    const { sut } = setup();

    await expect(
      sut.register({ ...TINY_MODEL, name: 'both', storagePrefix: 'models/tiny-sd/1' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('gives workers no package for a model that failed validation', async () => {
    const failed = model({ status: 'failed', enabled: false });
    const { sut } = setup(failed);

    await expect(sut.packageOf(failed.id)).rejects.toMatchObject({ code: 'MODEL_DISABLED' });
  });
});
