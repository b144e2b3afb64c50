import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppError, type AuthPrincipal } from '@pingvas/common';
import {
  type ModelPackage,
  type ModelResolveRequest,
  type ResolvedModel,
  type Tier,
  tierRank,
} from '@pingvas/contracts';
import { CatalogueChanges, RpcClient } from '@pingvas/messaging';
import { isUUID } from 'class-validator';
import type { RegisterModelDto, UpdateModelDto } from './model.dto';
import { jobPathOf, ModelPackages } from './model-packages';
import { type Model, ModelsRepository } from './models.repository';

export type ModelView = Omit<Model, 'createdAt' | 'updatedAt' | 'hashes'> & {
  hashes?: Record<string, string>;
  createdAt: string;
  updatedAt: string;
};

function view(model: Model, admin: boolean): ModelView {
  const { hashes, createdAt, updatedAt, ...rest } = model;
  return {
    ...rest,
    ...(admin ? { hashes } : {}),
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}

@Injectable()
export class ModelsService {
  constructor(
    private readonly models: ModelsRepository,
    private readonly rpc: RpcClient,
    private readonly packages: ModelPackages,
    @Inject(CatalogueChanges) private readonly changes: Pick<CatalogueChanges, 'announce'>,
  ) {}

  /**
   * Validates the package, on disk or in the blob store (graphs open, inputs and outputs as
   * the pipeline needs, every file hashed), and stores the outcome.
   */
  async register(dto: RegisterModelDto): Promise<ModelView> {
    if (dto.limits.minSide > dto.limits.maxSide)
      throw new AppError('VALIDATION_FAILED', 'limits.minSide is above limits.maxSide');
    const { location, validation } = await this.packages.locate(dto);
    const saved = await this.models.insert({
      id: randomUUID(),
      name: dto.name,
      source: location.source,
      path: location.source === 'storage' ? location.prefix : location.path,
      family: dto.family,
      status: validation.ok ? 'validated' : 'failed',
      problems: validation.problems,
      hashes: validation.hashes,
      enabled: validation.ok,
      isDefault: false,
      defaults: { ...dto.defaults },
      limits: { ...dto.limits },
      cost: { ...dto.cost },
      minTier: dto.minTier,
    });
    if (!saved) throw new AppError('CONFLICT', `A model named ${dto.name} exists`);
    await this.changes.announce({ kind: 'model' });
    return view(saved, true);
  }

  /** Admins see every model; users the enabled, validated ones their tier may use. */
  async list(caller: AuthPrincipal): Promise<ModelView[]> {
    const all = await this.models.all();
    if (caller.role === 'admin') return all.map((m) => view(m, true));
    const tier = await this.tierOf(caller.userId);
    return all.filter((m) => this.usableBy(m, tier)).map((m) => view(m, false));
  }

  async get(caller: AuthPrincipal, id: string): Promise<ModelView> {
    const model = await this.models.findById(id);
    if (!model) throw new AppError('NOT_FOUND', 'No such model');
    if (caller.role === 'admin') return view(model, true);
    if (!this.usableBy(model, await this.tierOf(caller.userId)))
      throw new AppError('NOT_FOUND', 'No such model');
    return view(model, false);
  }

  async update(id: string, dto: UpdateModelDto): Promise<ModelView> {
    await this.models.transaction(async (tx) => {
      const model = await this.models.lockById(id, tx);
      if (!model) throw new AppError('NOT_FOUND', 'No such model');
      const enabled = dto.enabled ?? model.enabled;
      if (model.isDefault && !enabled)
        throw new AppError(
          'CONFLICT',
          'The default model cannot be disabled; make another model the default first',
        );
      if (dto.isDefault && (model.status !== 'validated' || !enabled)) {
        throw new AppError('CONFLICT', 'Only an enabled, validated model can be the default');
      }
      if (dto.enabled && model.status !== 'validated')
        throw new AppError('CONFLICT', 'A model that failed validation cannot be enabled');
      const limits = dto.limits ?? model.limits;
      if (limits.minSide > limits.maxSide)
        throw new AppError('VALIDATION_FAILED', 'limits.minSide is above limits.maxSide');
      if (dto.isDefault) await this.models.clearDefault(tx);
      await this.models.update(
        id,
        {
          enabled,
          ...(dto.isDefault ? { isDefault: true } : {}),
          ...(dto.defaults ? { defaults: { ...dto.defaults } } : {}),
          ...(dto.limits ? { limits: { ...dto.limits } } : {}),
          ...(dto.cost ? { cost: { ...dto.cost } } : {}),
          ...(dto.minTier ? { minTier: dto.minTier } : {}),
        },
        tx,
      );
    });
    // After the commit: generation-service's replicas drop the models they resolved.
    await this.changes.announce({ kind: 'model' });
    const updated = await this.models.findById(id);
    if (!updated) throw new AppError('NOT_FOUND', 'No such model');
    return view(updated, true);
  }

  async remove(id: string): Promise<void> {
    const model = await this.models.findById(id);
    if (!model) throw new AppError('NOT_FOUND', 'No such model');
    if (model.isDefault)
      throw new AppError(
        'CONFLICT',
        'The default model cannot be deleted; make another model the default first',
      );
    await this.models.deleteUnlessDefault(id);
    await this.changes.announce({ kind: 'model' });
  }

  /** For generation-service: the model to run (the default when none is named), if this tier may. */
  async resolve(request: ModelResolveRequest): Promise<ResolvedModel> {
    const { modelId } = request;
    const model = modelId
      ? // A name never passes for an id: only a UUID-shaped value is looked up as one.
        await (isUUID(modelId)
          ? this.models.findByIdOrName(modelId)
          : this.models.findByName(modelId))
      : await this.models.findDefault();
    if (!model)
      throw new AppError(
        'MODEL_NOT_FOUND',
        request.modelId ? 'No such model' : 'No default model is set',
      );
    if (!model.enabled || model.status !== 'validated')
      throw new AppError('MODEL_DISABLED', `The model ${model.name} is not available`);
    if (tierRank(request.tier) < tierRank(model.minTier)) {
      throw new AppError(
        'MODEL_TIER_FORBIDDEN',
        `The model ${model.name} needs the ${model.minTier} plan or higher`,
      );
    }
    const { id, name, family, defaults, limits, cost, minTier } = model;
    return { id, name, path: jobPathOf(model), family, defaults, limits, cost, minTier };
  }

  /** For GPU workers: the files of the model a job names, with their hashes (no tier rule). */
  async packageOf(modelId: string): Promise<ModelPackage> {
    const model = isUUID(modelId) ? await this.models.findById(modelId) : null;
    if (!model) throw new AppError('MODEL_NOT_FOUND', 'No such model');
    return this.packages.packageOf(model);
  }

  private usableBy(model: Model, tier: Tier): boolean {
    return (
      model.enabled && model.status === 'validated' && tierRank(tier) >= tierRank(model.minTier)
    );
  }

  private async tierOf(userId: string): Promise<Tier> {
    return (await this.rpc.send('payment.plans.forUser', { userId })).tier;
  }
}
