import { randomBytes } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import {
  type GenerationJob,
  type ModelPackage,
  ModelPackageErrorCodes,
  RpcPatterns,
} from '@pingvas/contracts';
import { RpcClient } from '@pingvas/messaging';
import { BLOB_STORAGE, type BlobStorage } from '@pingvas/storage';
import type { GpuWorkerConfig } from '../config';
import { WorkerMetrics } from '../worker-metrics';
import { type HeldPackage, ModelPackageCache } from './package-cache';
import { ModelPackageError } from './package-download';

/** Package records kept per process; a model id's files never change, so none goes stale. */
const KEPT_RECORDS = 64;

/**
 * Stored model packages for this worker's jobs: the files and hashes model-service recorded
 * (`model.packages.get`, asked once per model), fetched into the node-local cache.
 */
@Injectable()
export class StoredModels implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StoredModels.name);
  private readonly cache: ModelPackageCache;
  private readonly records = new Map<string, ModelPackage>();

  constructor(
    @Inject(APP_CONFIG) config: GpuWorkerConfig,
    @Inject(BLOB_STORAGE) storage: BlobStorage,
    private readonly rpc: RpcClient,
    metrics: WorkerMetrics,
  ) {
    this.cache = new ModelPackageCache(storage, {
      ...config.inference.packageCache,
      holderId: `${config.worker.id}-${randomBytes(4).toString('hex')}`,
      events: {
        hit: () => metrics.modelCacheHit(),
        miss: () => metrics.modelCacheMiss(),
        downloaded: (outcome) => metrics.modelDownloaded(outcome),
        evicted: () => metrics.modelEvicted(),
        bytes: (total) => metrics.modelCacheBytes(total),
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const bytes = await this.cache.totalBytes().catch(() => 0);
    this.logger.log(`model package cache holds ${bytes} bytes`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
  }

  /** The job's stored package on local disk, hash-checked, held until released. */
  async acquire(model: GenerationJob['model'], prefix: string): Promise<HeldPackage> {
    const record = await this.recordOf(model.id);
    if (record.location.source !== 'storage' || record.location.prefix !== prefix)
      throw new ModelPackageError(
        ModelPackageErrorCodes.downloadFailed,
        `model ${model.name} is not registered as the stored package ${prefix}`,
      );
    const held = await this.cache.acquire({ digest: record.digest, prefix, files: record.files });
    this.logger.debug({ model: model.name, dir: held.dir }, 'model package on local disk');
    return held;
  }

  private async recordOf(modelId: string): Promise<ModelPackage> {
    const kept = this.records.get(modelId);
    if (kept) return kept;
    const record = await this.rpc.send(RpcPatterns.model.packagesGet, { modelId });
    if (this.records.size >= KEPT_RECORDS) this.records.clear();
    this.records.set(modelId, record);
    return record;
  }
}
