import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { AppError } from '@pingvas/common';

const badPath = (path: string) =>
  new AppError(
    'BAD_MODEL_PATH',
    `The model path must be a folder inside MODELS_DIR (got "${path}")`,
  );

/**
 * A registered path is relative to MODELS_DIR and stays inside it, also after symbolic links
 * are followed: no `..`, no absolute paths, no link pointing out.
 */
export async function resolveModelPath(
  modelsDir: string,
  path: string,
): Promise<{ relative: string; absolute: string }> {
  if (!path || isAbsolute(path) || path.includes('\0') || path.split(/[\\/]/).includes('..'))
    throw badPath(path);
  const root = resolve(modelsDir);
  const absolute = resolve(root, path);
  if (absolute === root || !absolute.startsWith(root + sep)) throw badPath(path);
  const [realRoot, real] = await Promise.all([
    realpath(root).catch(() => root),
    realpath(absolute).catch(() => absolute),
  ]);
  if (!real.startsWith(realRoot + sep)) throw badPath(path);
  return { relative: relative(root, absolute), absolute };
}
