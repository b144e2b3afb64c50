import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

/**
 * CLIP's pre-tokeniser regex, as in transformers' CLIPTokenizer / the `tokenizer.json` of CLIPTokenizerFast.
 * Case-insensitivity is not needed: the normaliser lower-cases before the split.
 */
export const CLIP_PATTERN =
  "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

const DEFAULT_MAX_LENGTH = 77;
/** Prompts whose ids are kept (a few hundred bytes each): repeats and the empty negative prompt. */
const ENCODED_CACHE_SIZE = 256;

/** A special token in `tokenizer_config.json`: a plain string or a serialised `AddedToken`. */
type TokenSetting = string | { content: string; lstrip?: boolean; rstrip?: boolean } | null;

/** The fields of `tokenizer_config.json` that CLIPTokenizer reads (defaults as in transformers). */
export interface ClipTokenizerConfig {
  model_max_length?: number;
  bos_token?: TokenSetting;
  eos_token?: TokenSetting;
  unk_token?: TokenSetting;
  pad_token?: TokenSetting;
}

interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

function tokenContent(setting: TokenSetting | undefined, fallback: string): string {
  if (setting === undefined || setting === null) return fallback;
  return typeof setting === 'string' ? setting : setting.content;
}

function addedToken(
  setting: TokenSetting | undefined,
  content: string,
  id: number,
): AddedTokenJson {
  const flags = typeof setting === 'object' && setting !== null ? setting : undefined;
  // normalized: false — the slow tokenizer matches special tokens in the raw text, before lower-casing.
  return {
    id,
    content,
    single_word: false,
    lstrip: flags?.lstrip ?? false,
    rstrip: flags?.rstrip ?? false,
    normalized: false,
    special: true,
  };
}

/** `merges.txt` → "a b" lines, without the `#version:` header and blank lines. */
export function parseMerges(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.startsWith('#version')) lines.shift();
  return lines.filter((line) => line.trim().length > 0);
}

/**
 * Text → CLIP input ids, the way transformers' CLIPTokenizer(Fast) does with
 * `padding="max_length", truncation=True`: [bos, BPE tokens..., eos, pad...], always `maxLength` long.
 *
 * The BPE is @huggingface/tokenizers' (pure JS, offline): we build, in memory, the same `tokenizer.json`
 * that transformers' slow→fast converter writes for CLIP, so the tokenisation rules live in one
 * well-tested place and this class only reads files, truncates and pads.
 */
export class ClipTokenizer {
  /** Recently encoded texts → ids, least recently used first (BPE costs ~0.2 ms a prompt). */
  private readonly encoded = new Map<string, Int32Array<ArrayBuffer>>();

  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly maxLength: number,
    readonly bosId: number,
    readonly eosId: number,
    readonly padId: number,
  ) {}

  /** Reads `vocab.json`, `merges.txt` and `tokenizer_config.json` (an optimum/diffusers `tokenizer/` folder). */
  static async fromDirectory(dir: string): Promise<ClipTokenizer> {
    const [vocab, merges, config] = await Promise.all([
      readFile(join(dir, 'vocab.json'), 'utf8'),
      readFile(join(dir, 'merges.txt'), 'utf8'),
      readFile(join(dir, 'tokenizer_config.json'), 'utf8'),
    ]);
    return ClipTokenizer.fromVocab(
      JSON.parse(vocab) as Record<string, number>,
      parseMerges(merges),
      JSON.parse(config) as ClipTokenizerConfig,
    );
  }

  /** Builds the tokenizer from already-parsed files (merges as "a b" strings, in rank order). */
  static fromVocab(
    vocab: Record<string, number>,
    merges: readonly string[],
    config: ClipTokenizerConfig,
  ): ClipTokenizer {
    // Defaults are CLIPTokenizer's constructor defaults.
    const bos = tokenContent(config.bos_token, '<|startoftext|>');
    const eos = tokenContent(config.eos_token, '<|endoftext|>');
    const unk = tokenContent(config.unk_token, '<|endoftext|>');
    const pad = tokenContent(config.pad_token, '<|endoftext|>');
    const idOf = (token: string): number => {
      const id = vocab[token];
      if (id === undefined)
        throw new Error(`CLIP tokenizer: special token ${token} is not in vocab.json`);
      return id;
    };

    // Every special token of tokenizer_config — the pad token included — is an added token in
    // transformers, so it is split out of the text before BPE (see the "!" note in the spec).
    const added = new Map<string, AddedTokenJson>();
    const settings: Array<[TokenSetting | undefined, string]> = [
      [config.bos_token, bos],
      [config.eos_token, eos],
      [config.unk_token, unk],
      [config.pad_token, pad],
    ];
    for (const [setting, content] of settings) {
      if (!added.has(content)) added.set(content, addedToken(setting, content, idOf(content)));
    }

    const tokenizerJson = {
      version: '1.0',
      added_tokens: [...added.values()],
      normalizer: {
        type: 'Sequence',
        normalizers: [
          { type: 'NFC' },
          { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
          { type: 'Lowercase' },
        ],
      },
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          // invert: the regex matches the pieces to keep; whatever it skips (whitespace) is dropped.
          { type: 'Split', pattern: { Regex: CLIP_PATTERN }, behavior: 'Removed', invert: true },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
        ],
      },
      post_processor: {
        type: 'RobertaProcessing',
        sep: [eos, idOf(eos)],
        cls: [bos, idOf(bos)],
        trim_offsets: false,
        add_prefix_space: false,
      },
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: unk,
        continuing_subword_prefix: '',
        end_of_word_suffix: '</w>',
        fuse_unk: false,
        byte_fallback: false,
        vocab,
        merges: [...merges],
      },
    };
    const tokenizer = new Tokenizer(tokenizerJson, {
      bos_token: bos,
      eos_token: eos,
      unk_token: unk,
      pad_token: pad,
    });
    const maxLength = config.model_max_length ?? DEFAULT_MAX_LENGTH;
    if (!Number.isInteger(maxLength) || maxLength < 2) {
      throw new Error(`CLIP tokenizer: model_max_length must be an integer >= 2, got ${maxLength}`);
    }
    return new ClipTokenizer(tokenizer, maxLength, idOf(bos), idOf(eos), idOf(pad));
  }

  /** Exactly `maxLength` ids: bos, the first `maxLength - 2` BPE tokens, eos, then pad ids. */
  encode(text: string): Int32Array<ArrayBuffer> {
    const hit = this.encoded.get(text);
    if (hit) {
      this.encoded.delete(text);
      this.encoded.set(text, hit);
      return hit.slice();
    }
    const out = this.encodeUncached(text);
    this.encoded.set(text, out);
    if (this.encoded.size > ENCODED_CACHE_SIZE)
      this.encoded.delete(this.encoded.keys().next().value as string);
    return out.slice();
  }

  private encodeUncached(text: string): Int32Array<ArrayBuffer> {
    let ids = this.tokenizer.encode(text, { add_special_tokens: true }).ids;
    // Truncate the text tokens, not the framing: the sequence must still end with eos.
    if (ids.length > this.maxLength) ids = [...ids.slice(0, this.maxLength - 1), this.eosId];
    const out = new Int32Array(this.maxLength).fill(this.padId);
    out.set(ids);
    return out;
  }
}
