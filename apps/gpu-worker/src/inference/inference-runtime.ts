import { basename, join, resolve } from 'node:path';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, ReadinessRegistry } from '@pingvas/common';
import { type GenerationJob, modelLocationOf } from '@pingvas/contracts';
import {
  type GenerateHooks,
  type GenerateRequest,
  type GenerateResult,
  ModelCache,
  type ProviderName,
  TextToImagePipeline,
} from '@pingvas/inference';
import type { GpuWorkerConfig } from '../config';
import { StoredModels } from '../models/stored-models';
import { WorkerMetrics } from '../worker-metrics';

/**
 * The worker's ONNX Runtime: loaded models cached across jobs, the execution provider chosen
 * once (logged and exported), and readiness only after a warm-up generation has run.
 */
@Injectable()
export class InferenceRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InferenceRuntime.name);
  private readonly cache: ModelCache;
  private warmedUp = false;
  private markReady!: () => void;
  /** Resolves once the warm-up generation has run: the worker takes jobs only after it. */
  readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));
  private warmupError?: string;
  provider?: ProviderName;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GpuWorkerConfig,
    private readonly metrics: WorkerMetrics,
    private readonly readiness: ReadinessRegistry,
    private readonly stored: StoredModels,
  ) {
    this.cache = new ModelCache(config.inference.cacheSize, config.inference.providers);
  }

  onApplicationBootstrap(): void {
    this.readiness.register({
      name: 'inference',
      check: async () => {
        if (!this.warmedUp) throw new Error(this.warmupError ?? 'warming up');
      },
    });
    void this.warmUp();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.clear();
  }

  /**
   * Runs one generation on the job's model: a folder under MODELS_DIR, or a stored package
   * fetched into the node's cache first and kept there (never evicted) while it runs.
   */
  async generate(
    model: GenerationJob['model'],
    request: GenerateRequest,
    hooks?: GenerateHooks,
  ): Promise<GenerateResult & { provider: ProviderName }> {
    const location = modelLocationOf(model.path);
    if (location.source === 'local') {
      // join, not resolve: a job's path never leaves MODELS_DIR, even if it were absolute.
      const dir = join(this.config.inference.modelsDir, location.path);
      return this.run(dir, location.path, request, hooks);
    }
    const held = await this.stored.acquire(model, location.prefix);
    try {
      return await this.run(held.dir, model.name, request, hooks);
    } finally {
      await held.release();
    }
  }

  private async run(
    dir: string,
    name: string,
    request: GenerateRequest,
    hooks?: GenerateHooks,
  ): Promise<GenerateResult & { provider: ProviderName }> {
    const model = await this.cache.get(dir);
    const labels = { model: name, provider: model.provider };
    const stop = this.metrics.inferenceStarted(labels);
    try {
      const result = await new TextToImagePipeline(model).generate(request, hooks);
      this.metrics.stepsRun(labels, result.timings.stepsRun);
      return { ...result, provider: model.provider };
    } finally {
      stop();
    }
  }

  private async warmUp(): Promise<void> {
    const modelPath = this.config.inference.warmupModel;
    // An absolute WARMUP_MODEL (the tiny model baked into the image) works whatever the
    // models volume holds; a relative one is a package under MODELS_DIR.
    const dir = resolve(this.config.inference.modelsDir, modelPath);
    try {
      const model = await this.cache.get(dir);
      this.provider = model.provider;
      this.metrics.executionProvider(model.provider);
      await this.run(dir, basename(dir), {
        prompt: 'warm-up',
        width: 64,
        height: 64,
        steps: 1,
        guidanceScale: 1,
        seed: 0,
      });
      this.warmedUp = true;
      this.markReady();
      this.logger.log(
        `inference ready on the ${model.provider} execution provider (warm-up model ${modelPath})`,
      );
    } catch (err) {
      this.warmupError = `warm-up failed: ${String(err).split('\n')[0]}`;
      this.logger.error(this.warmupError);
    }
  }
}
