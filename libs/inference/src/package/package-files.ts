import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { PIPELINE_CONTRACT, REQUIRED_FILES } from './contract';

/** The files a package must hold, by path inside it. */
export const PACKAGE_FILES: readonly string[] = [
  ...REQUIRED_FILES,
  ...Object.values(PIPELINE_CONTRACT).map((graph) => graph.file),
];

/**
 * Files the runtime reads when present (configs with their fallbacks, a graph's external
 * weights as optimum names them): hashed, and fetched by workers, with the required ones.
 */
export const OPTIONAL_PACKAGE_FILES: readonly string[] = [
  'tokenizer/tokenizer_config.json',
  'tokenizer/special_tokens_map.json',
  'vae_decoder/config.json',
  ...Object.values(PIPELINE_CONTRACT).map((graph) => `${graph.file}_data`),
];

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/**
 * One hash for a whole package: sha256 of its sorted `path:hash` lines. Two packages with the
 * same files have the same digest, and any changed byte changes it (a worker's cache key).
 */
export function packageDigest(files: Record<string, string>): string {
  const lines = Object.keys(files)
    .sort()
    .map((path) => `${path}:${files[path]}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex');
}

/** The blob key of `file` in a package stored under `prefix` (no trailing slash). */
export function packageFileKey(prefix: string, file: string): string {
  return `${prefix.replace(/\/+$/, '')}/${file}`;
}
