import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { makeTinyModel } from './make-tiny-model';
import { byteSymbols, bytesToUnicode, END_OF_WORD, EOS_TOKEN, tinyVocab } from './tiny-vocab';

/** Plain CLIP BPE over one word (lowest-rank pair first), enough to check what the merges build. */
function bpeWord(word: string, merges: readonly string[]): string[] {
  const ranks = new Map(merges.map((m, i) => [m, i]));
  const parts = byteSymbols(word);
  parts[parts.length - 1] += END_OF_WORD;
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i < parts.length - 1; i++) {
      const rank = ranks.get(`${parts[i]} ${parts[i + 1]}`) ?? Infinity;
      if (rank < bestRank) [best, bestRank] = [i, rank];
    }
    if (best < 0) return parts;
    parts.splice(best, 2, parts[best] + parts[best + 1]);
  }
}

async function hashes(dir: string, files: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of files)
    out[f] = createHash('sha256')
      .update(await readFile(join(dir, f)))
      .digest('hex');
  return out;
}

function meta(list: readonly InferenceSession.ValueMetadata[]): Array<[string, string]> {
  return list.map((m) => [m.name, m.isTensor ? m.type : 'non-tensor']);
}

describe('makeTinyModel', () => {
  let dirA: string;
  let dirB: string;
  let files: string[];
  let totalBytes: number;

  beforeAll(async () => {
    dirA = await mkdtemp(join(tmpdir(), 'tiny-sd-a-'));
    dirB = await mkdtemp(join(tmpdir(), 'tiny-sd-b-'));
    ({ files, totalBytes } = await makeTinyModel(dirA));
    await makeTinyModel(dirB);
  });

  afterAll(async () => {
    await Promise.all([dirA, dirB].map((d) => rm(d, { recursive: true, force: true })));
  });

  it('writes the same bytes twice, under 5 MB', async () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'model_index.json',
        'text_encoder/model.onnx',
        'unet/model.onnx',
        'vae_decoder/model.onnx',
        'scheduler/scheduler_config.json',
        'tokenizer/vocab.json',
        'tokenizer/merges.txt',
        'tokenizer/tokenizer_config.json',
        'tokenizer/special_tokens_map.json',
      ]),
    );
    expect(await hashes(dirB, files)).toEqual(await hashes(dirA, files));
    expect(totalBytes).toBeLessThan(5 * 1024 * 1024);
    const index = JSON.parse(await readFile(join(dirA, 'model_index.json'), 'utf8'));
    expect(index).toMatchObject({ _class_name: 'OnnxStableDiffusionPipeline', pingvas_tiny: true });
  });

  it('text encoder: int32 input_ids → last_hidden_state [1,77,32] and pooler_output [1,32]', async () => {
    const s = await ort.InferenceSession.create(join(dirA, 'text_encoder/model.onnx'), {
      executionProviders: ['cpu'],
    });
    try {
      expect(s.inputNames).toEqual(['input_ids']);
      expect(s.outputNames).toEqual(['last_hidden_state', 'pooler_output']);
      expect(meta(s.inputMetadata)).toEqual([['input_ids', 'int32']]);
      expect(meta(s.outputMetadata)).toEqual([
        ['last_hidden_state', 'float32'],
        ['pooler_output', 'float32'],
      ]);
      const vocabSize = Object.keys(tinyVocab().vocab).length;
      const ids = Int32Array.from({ length: 77 }, (_, i) => (i * 37) % vocabSize);
      const out = await s.run({ input_ids: new ort.Tensor('int32', ids, [1, 77]) });
      expect(out.last_hidden_state.dims).toEqual([1, 77, 32]);
      expect(out.pooler_output.dims).toEqual([1, 32]);
      expect([...(out.last_hidden_state.data as Float32Array)].every((v) => Math.abs(v) <= 1)).toBe(
        true,
      );
      const short = await s.run({ input_ids: new ort.Tensor('int32', ids.slice(0, 5), [1, 5]) });
      expect(short.last_hidden_state.dims).toEqual([1, 5, 32]);
    } finally {
      await s.release();
    }
  });

  it('unet: sample, int64 timestep [1], encoder_hidden_states → out_sample, depending on all three', async () => {
    const s = await ort.InferenceSession.create(join(dirA, 'unet/model.onnx'), {
      executionProviders: ['cpu'],
    });
    try {
      expect(s.inputNames).toEqual(['sample', 'timestep', 'encoder_hidden_states']);
      expect(s.outputNames).toEqual(['out_sample']);
      expect(meta(s.inputMetadata)).toEqual([
        ['sample', 'float32'],
        ['timestep', 'int64'],
        ['encoder_hidden_states', 'float32'],
      ]);
      expect(meta(s.outputMetadata)).toEqual([['out_sample', 'float32']]);
      const sample = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i));
      const states = Float32Array.from({ length: 77 * 32 }, (_, i) => Math.cos(i * 0.3) * 0.5);
      const run = async (t: bigint, x = sample, c = states) => {
        const out = await s.run({
          sample: new ort.Tensor('float32', x, [1, 4, 8, 8]),
          timestep: new ort.Tensor('int64', BigInt64Array.of(t), [1]),
          encoder_hidden_states: new ort.Tensor('float32', c, [1, 77, 32]),
        });
        expect(out.out_sample.dims).toEqual([1, 4, 8, 8]);
        return [...(out.out_sample.data as Float32Array)];
      };
      const base = await run(999n);
      expect(base.every((v) => Number.isFinite(v) && Math.abs(v) < 2)).toBe(true);
      expect(await run(1n)).not.toEqual(base);
      expect(
        await run(
          999n,
          sample.map((v) => -v),
        ),
      ).not.toEqual(base);
      expect(
        await run(
          999n,
          sample,
          states.map((v) => v + 0.3),
        ),
      ).not.toEqual(base);
    } finally {
      await s.release();
    }
  });

  it('vae decoder: latent [1,4,8,8] → sample [1,3,64,64] in [-1, 1]', async () => {
    const s = await ort.InferenceSession.create(join(dirA, 'vae_decoder/model.onnx'), {
      executionProviders: ['cpu'],
    });
    try {
      expect(s.inputNames).toEqual(['latent_sample']);
      expect(s.outputNames).toEqual(['sample']);
      expect(meta(s.inputMetadata)).toEqual([['latent_sample', 'float32']]);
      expect(meta(s.outputMetadata)).toEqual([['sample', 'float32']]);
      const latent = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i * 0.7) * 5);
      const out = await s.run({ latent_sample: new ort.Tensor('float32', latent, [1, 4, 8, 8]) });
      expect(out.sample.dims).toEqual([1, 3, 64, 64]);
      const data = [...(out.sample.data as Float32Array)];
      expect(data.every((v) => Number.isFinite(v) && v >= -1 && v <= 1)).toBe(true);
      expect(new Set(data.map((v) => v.toFixed(3))).size).toBeGreaterThan(10);
    } finally {
      await s.release();
    }
  });

  it('has a CLIP-layout vocab and merges that build whole words', async () => {
    const { vocab, merges } = tinyVocab();
    const written = JSON.parse(await readFile(join(dirA, 'tokenizer/vocab.json'), 'utf8'));
    expect(written).toEqual(vocab);
    const lines = (await readFile(join(dirA, 'tokenizer/merges.txt'), 'utf8')).split('\n');
    expect(lines[0]).toBe('#version: 0.2');
    expect(lines.slice(1, -1)).toEqual(merges);
    const size = Object.keys(vocab).length;
    expect(size).toBe(512 + merges.length + 2);
    expect(vocab['!']).toBe(0);
    expect(vocab['!</w>']).toBe(256);
    expect(vocab[EOS_TOKEN]).toBe(size - 1);
    expect(vocab['<|startoftext|>']).toBe(size - 2);
    expect(bytesToUnicode().get(0x20)).toBe('Ġ');
    expect(vocab['Ġ']).toBe(256 - 68 + 32);
    // Every merge joins two tokens that exist by the time it applies.
    merges.forEach((m, i) => {
      const [a, b] = m.split(' ');
      for (const part of [a, b]) expect(vocab[part]).toBeLessThan(512 + i);
      expect(vocab[a + b]).toBe(512 + i);
    });
    const ids = (w: string) => bpeWord(w, merges).map((t) => vocab[t]);
    expect(ids('고양이')).toEqual([vocab[byteSymbols('고양이').join('') + '</w>']]);
    expect(ids('창가')).toEqual([vocab[byteSymbols('창가').join('') + '</w>']]);
    for (const w of [
      'cat',
      'dog',
      'the',
      'window',
      'sits',
      'on',
      'red',
      'blue',
      'photo',
      'of',
      'and',
      'in',
      'snow',
    ]) {
      expect(bpeWord(w, merges)).toEqual([`${w}</w>`]);
    }
  });
});
