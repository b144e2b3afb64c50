import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { PIPELINE_CONTRACT } from '../package/contract';
import type { SchedulerConfig } from '../scheduler/scheduler';
import { ClipTokenizer } from '../tokenizer/clip-tokenizer';
import { openSession, type ProviderName } from './providers';

/** Everything a generation needs from one model package, opened once and reused across jobs. */
export interface LoadedModel {
  dir: string;
  provider: ProviderName;
  tokenizer: ClipTokenizer;
  textEncoder: InferenceSession;
  unet: InferenceSession;
  vaeDecoder: InferenceSession;
  schedulerConfig: SchedulerConfig;
  /** The element type the UNet wants for `timestep` (optimum exports int64). */
  timestepType: 'int64' | 'float32';
  inputIdsType: 'int32' | 'int64';
  latentChannels: number;
  vaeScalingFactor: number;
  release(): Promise<void>;
}

function typeOf(session: InferenceSession, name: string): string | undefined {
  const meta = session.inputMetadata.find((m) => m.name === name);
  return meta?.isTensor ? meta.type : undefined;
}

async function readJson<T>(path: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return fallback;
  }
}

export async function loadModel(
  dir: string,
  providers: readonly ProviderName[],
): Promise<LoadedModel> {
  const text = await openSession(join(dir, PIPELINE_CONTRACT.textEncoder.file), providers);
  const unet = await openSession(join(dir, PIPELINE_CONTRACT.unet.file), [text.provider]);
  const vae = await openSession(join(dir, PIPELINE_CONTRACT.vaeDecoder.file), [text.provider]);
  const sessions = [text.session, unet.session, vae.session];
  if (typeOf(unet.session, 'sample') !== 'float32') {
    await Promise.all(sessions.map((s) => s.release()));
    throw new Error(
      `${dir}: only float32 graphs are supported (unet sample is ${typeOf(unet.session, 'sample')})`,
    );
  }
  const schedulerConfig = await readJson<SchedulerConfig>(
    join(dir, 'scheduler', 'scheduler_config.json'),
    {} as SchedulerConfig,
  );
  const vaeConfig = await readJson<{ scaling_factor?: number; latent_channels?: number }>(
    join(dir, 'vae_decoder', 'config.json'),
    {},
  );
  return {
    dir,
    provider: text.provider,
    tokenizer: await ClipTokenizer.fromDirectory(join(dir, 'tokenizer')),
    textEncoder: text.session,
    unet: unet.session,
    vaeDecoder: vae.session,
    schedulerConfig,
    timestepType: typeOf(unet.session, 'timestep') === 'int64' ? 'int64' : 'float32',
    inputIdsType: typeOf(text.session, 'input_ids') === 'int64' ? 'int64' : 'int32',
    latentChannels: vaeConfig.latent_channels ?? 4,
    vaeScalingFactor: vaeConfig.scaling_factor ?? 0.18215,
    release: async () => {
      await Promise.all(sessions.map((s) => s.release()));
    },
  };
}

/**
 * Loaded models by directory, least recently used evicted past `capacity` (sessions hold
 * hundreds of MB for a real model, so only a few stay open).
 */
export class ModelCache {
  private readonly entries = new Map<string, Promise<LoadedModel>>();

  constructor(
    private readonly capacity: number,
    private readonly providers: readonly ProviderName[],
  ) {}

  get(dir: string): Promise<LoadedModel> {
    const hit = this.entries.get(dir);
    if (hit) {
      this.entries.delete(dir);
      this.entries.set(dir, hit);
      return hit;
    }
    const loading = loadModel(dir, this.providers);
    loading.catch(() => this.entries.delete(dir));
    this.entries.set(dir, loading);
    while (this.entries.size > this.capacity) {
      const [oldest, model] = this.entries.entries().next().value as [string, Promise<LoadedModel>];
      this.entries.delete(oldest);
      void model.then((m) => m.release()).catch(() => undefined);
    }
    return loading;
  }

  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((m) => m.then((x) => x.release()).catch(() => undefined)));
  }

  get size(): number {
    return this.entries.size;
  }
}
