import { Inject, Injectable } from '@nestjs/common';
import { AppError, APP_CONFIG } from '@pingvas/common';
import { type ModelLocation, type ModelPackage, modelPathOf } from '@pingvas/contracts';
import type { PackageValidation } from '@pingvas/inference';
import { assertBlobKey, BLOB_STORAGE, type BlobStorage } from '@pingvas/storage';
import type { ModelServiceConfig } from '../config';
// The file itself, not @pingvas/inference's index: that loads onnxruntime-node and sharp.
import { packageDigest } from '../../../../libs/inference/src/package/package-files';
import { resolveModelPath } from './model-paths';
import type { Model } from './models.repository';

/** Stored packages sit under this prefix of the blob store, beside images but never among them. */
const STORAGE_ROOT = 'models/';

const badPrefix = (prefix: string) =>
  new AppError(
    'BAD_MODEL_PATH',
    `The storage prefix must be a key prefix under ${STORAGE_ROOT} (got "${prefix}")`,
  );

export interface LocatedPackage {
  location: ModelLocation;
  validation: PackageValidation;
}

/**
 * @pingvas/inference with onnxruntime-node (and sharp, ~30 MB resident together) loads when a
 * package is first validated, not at boot: most of a model-service's life validates nothing.
 */
const inference = () => import('@pingvas/inference');

/** Where a registered package lives (MODELS_DIR or the blob store) and what it holds. */
@Injectable()
export class ModelPackages {
  constructor(
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    @Inject(APP_CONFIG) private readonly config: Pick<ModelServiceConfig, 'modelsDir'>,
  ) {}

  /** Exactly one of `path` (under MODELS_DIR) or `storagePrefix`; the package validated there. */
  async locate(input: { path?: string; storagePrefix?: string }): Promise<LocatedPackage> {
    const { path, storagePrefix } = input;
    if ((path === undefined) === (storagePrefix === undefined))
      throw new AppError('VALIDATION_FAILED', 'Give either path or storagePrefix, not both');
    if (storagePrefix !== undefined) {
      const prefix = storagePrefix.replace(/\/+$/, '');
      try {
        assertBlobKey(prefix);
      } catch {
        throw badPrefix(storagePrefix);
      }
      if (!prefix.startsWith(STORAGE_ROOT)) throw badPrefix(storagePrefix);
      return {
        location: { source: 'storage', prefix },
        validation: await (await inference()).validateStoredPackage(this.storage, prefix),
      };
    }
    const resolved = await resolveModelPath(this.config.modelsDir, path ?? '');
    return {
      location: { source: 'local', path: resolved.relative },
      validation: await (await inference()).validatePackage(resolved.absolute),
    };
  }

  /** What a worker needs to fetch and check the files of a validated model. */
  packageOf(model: Model): ModelPackage {
    if (model.status !== 'validated')
      throw new AppError('MODEL_DISABLED', `The model ${model.name} failed validation`);
    return {
      id: model.id,
      name: model.name,
      location: locationOf(model),
      files: model.hashes,
      digest: packageDigest(model.hashes),
    };
  }
}

export function locationOf(model: Pick<Model, 'source' | 'path'>): ModelLocation {
  return model.source === 'storage'
    ? { source: 'storage', prefix: model.path }
    : { source: 'local', path: model.path };
}

/** The `path` generation-service and the job carry (`storage:<prefix>` for a stored package). */
export const jobPathOf = (model: Pick<Model, 'source' | 'path'>) => modelPathOf(locationOf(model));
