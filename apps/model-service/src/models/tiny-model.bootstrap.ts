import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import { TINY_MODEL } from '@pingvas/contracts';
import type { ModelServiceConfig } from '../config';
import { ModelsRepository } from './models.repository';
import { ModelsService } from './models.service';

/** dev and test: the bundled tiny model is made if missing, registered, and the default (once). */
@Injectable()
export class TinyModelBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(TinyModelBootstrap.name);

  constructor(
    private readonly models: ModelsService,
    private readonly repo: ModelsRepository,
    @Inject(APP_CONFIG) private readonly config: ModelServiceConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.registerTinyModel) return;
    try {
      const dir = join(this.config.modelsDir, TINY_MODEL.path);
      if (!existsSync(join(dir, 'model_index.json'))) {
        // Loaded only to make it: @pingvas/inference brings onnxruntime-node and sharp.
        const { makeTinyModel } = await import('@pingvas/inference');
        await makeTinyModel(dir);
      }
      let tiny = await this.repo.findByName(TINY_MODEL.name);
      if (!tiny) {
        await this.models
          .register(TINY_MODEL)
          .catch((err: unknown) => this.logger.warn(`tiny model not registered: ${String(err)}`));
        tiny = await this.repo.findByName(TINY_MODEL.name);
      }
      if (tiny?.status === 'validated' && !(await this.repo.findDefault())) {
        await this.models.update(tiny.id, { isDefault: true });
        this.logger.log('tiny-sd registered as the default model');
      }
    } catch (err) {
      this.logger.warn(`could not set up the tiny model: ${String(err)}`);
    }
  }
}
