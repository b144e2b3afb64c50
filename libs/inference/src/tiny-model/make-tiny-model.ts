import { SD_TURBO_SCHEDULER_CONFIG } from '../scheduler/sd-turbo';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  HIDDEN,
  LATENT_CHANNELS,
  MAX_POSITIONS,
  textEncoderGraph,
  unetGraph,
  vaeDecoderGraph,
} from './tiny-graphs';
import { BOS_TOKEN, EOS_TOKEN, mergesTxt, tinyVocab, vocabJson } from './tiny-vocab';

/**
 * A tiny Stable-Diffusion-like package with the file layout and graph I/O of an SD-Turbo
 * `optimum-cli export onnx` export: tests and dev setups run the real pipeline on it in
 * milliseconds. Deterministic: the same call always writes the same bytes.
 */

/** JSON with the key order as written and a trailing newline, so files are byte-stable. */
function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function packageFiles(options: TinyModelOptions): Array<[string, string | Uint8Array]> {
  const { vocab, merges } = tinyVocab();
  const special = {
    bos_token: BOS_TOKEN,
    eos_token: EOS_TOKEN,
    pad_token: EOS_TOKEN,
    unk_token: EOS_TOKEN,
  };
  return [
    [
      'model_index.json',
      json({
        _class_name: 'OnnxStableDiffusionPipeline',
        _diffusers_version: '0.30.0',
        text_encoder: ['diffusers', 'OnnxRuntimeModel'],
        unet: ['diffusers', 'OnnxRuntimeModel'],
        vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
        tokenizer: ['transformers', 'CLIPTokenizer'],
        scheduler: ['diffusers', 'EulerDiscreteScheduler'],
        requires_safety_checker: false,
        pingvas_tiny: true,
      }),
    ],
    [
      'text_encoder/config.json',
      json({ hidden_size: HIDDEN, max_position_embeddings: MAX_POSITIONS }),
    ],
    ['text_encoder/model.onnx', textEncoderGraph(Object.keys(vocab).length)],
    [
      'unet/config.json',
      json({
        in_channels: LATENT_CHANNELS,
        out_channels: LATENT_CHANNELS,
        cross_attention_dim: HIDDEN,
        sample_size: 64,
      }),
    ],
    ['unet/model.onnx', unetGraph(options.unetChannels, options.unetHiddenLayers)],
    [
      'vae_decoder/config.json',
      json({
        _class_name: 'AutoencoderKL',
        scaling_factor: 0.18215,
        latent_channels: LATENT_CHANNELS,
      }),
    ],
    ['vae_decoder/model.onnx', vaeDecoderGraph()],
    // SD-Turbo's scheduler config, verbatim.
    ['scheduler/scheduler_config.json', json(SD_TURBO_SCHEDULER_CONFIG)],
    ['tokenizer/vocab.json', vocabJson(vocab)],
    ['tokenizer/merges.txt', mergesTxt(merges)],
    [
      'tokenizer/tokenizer_config.json',
      json({
        model_max_length: MAX_POSITIONS,
        do_lower_case: true,
        ...special,
        tokenizer_class: 'CLIPTokenizer',
      }),
    ],
    ['tokenizer/special_tokens_map.json', json(special)],
  ];
}

export interface TinyModelOptions {
  /** The UNet's hidden width (default 8); hundreds make each step take real time. */
  unetChannels?: number;
  /** Extra 3x3 convolutions at that width (default none). */
  unetHiddenLayers?: number;
}

/** Writes the tiny package into `dir` (created if needed; existing files are overwritten). */
export async function makeTinyModel(
  dir: string,
  options: TinyModelOptions = {},
): Promise<{ files: string[]; totalBytes: number }> {
  const files: string[] = [];
  let totalBytes = 0;
  for (const [file, content] of packageFiles(options)) {
    const path = join(dir, file);
    await mkdir(dirname(path), { recursive: true });
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    await writeFile(path, bytes);
    files.push(file);
    totalBytes += bytes.byteLength;
  }
  return { files, totalBytes };
}
