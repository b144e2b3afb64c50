/**
 * Where a model package lives (DESIGN §15): a folder under MODELS_DIR (`npm start`, tests) or
 * a prefix in the blob store (S3 in production), pulled by each GPU node into a local cache.
 * The job's `model.path` carries the location, `storage:<prefix>` for a stored package, so
 * generation-service passes it on without knowing the difference.
 */
export type ModelSource = 'local' | 'storage';

export const STORAGE_MODEL_SCHEME = 'storage:';

export type ModelLocation =
  { source: 'local'; path: string } | { source: 'storage'; prefix: string };

/** The `path` a resolved model and a job carry for a package at `location`. */
export function modelPathOf(location: ModelLocation): string {
  return location.source === 'storage'
    ? `${STORAGE_MODEL_SCHEME}${location.prefix}`
    : location.path;
}

export function modelLocationOf(path: string): ModelLocation {
  return path.startsWith(STORAGE_MODEL_SCHEME)
    ? { source: 'storage', prefix: path.slice(STORAGE_MODEL_SCHEME.length) }
    : { source: 'local', path };
}

/** `model.packages.get`: what a worker needs to fetch and check a stored package's files. */
export interface ModelPackageRequest {
  modelId: string;
}

export interface ModelPackage {
  id: string;
  name: string;
  location: ModelLocation;
  /** sha256 (hex) of every file, by path inside the package, as model-service validated it. */
  files: Record<string, string>;
  /** sha256 of the sorted `path:hash` lines: the package's identity, also its cache folder. */
  digest: string;
}

/** Why a worker could not get a stored package (the job fails with this code). */
export const ModelPackageErrorCodes = {
  hashMismatch: 'MODEL_HASH_MISMATCH',
  downloadFailed: 'MODEL_DOWNLOAD_FAILED',
} as const;

/**
 * The bundled tiny model (libs/inference's makeTinyModel writes it under MODELS_DIR) as
 * model-service registers it in dev and test, and as tests of any process register it.
 */
export const TINY_MODEL = {
  name: 'tiny-sd',
  path: 'tiny-sd',
  family: 'sd-turbo',
  defaults: { steps: 4, guidanceScale: 1, width: 64, height: 64, scheduler: 'euler' as const },
  limits: { minSide: 64, maxSide: 512, maxSteps: 50 },
  cost: { perImage: 1, perStep: 1 },
  minTier: 'free' as const,
};
