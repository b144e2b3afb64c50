import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { makeTinyModel } from '../libs/inference/src/tiny-model/make-tiny-model';

/**
 * `npm run model:make-tiny [-- --out models/tiny-sd] [-- --force]`: writes the tiny test model
 * package unless one is already there (or --force is given), then lists its files.
 */
const USAGE = 'usage: node dist/scripts/make-tiny-model.js [--out models/tiny-sd] [--force]\n';

function parseArgs(argv: readonly string[]): { out: string; force: boolean } {
  let out = 'models/tiny-sd';
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--force') force = true;
    else if (arg === '--out' && argv[i + 1]) out = argv[++i];
    else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
    else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  return { out: resolve(out), force };
}

async function main(): Promise<void> {
  const { out, force } = parseArgs(process.argv.slice(2));
  const present = await access(join(out, 'model_index.json')).then(
    () => true,
    () => false,
  );
  if (present && !force) {
    process.stdout.write(`${out} already holds a model package; pass --force to rewrite it\n`);
    return;
  }
  const { files, totalBytes } = await makeTinyModel(out);
  process.stdout.write(`wrote the tiny model package to ${out}\n`);
  for (const file of files) process.stdout.write(`  ${file}\n`);
  process.stdout.write(
    `${files.length} files, ${totalBytes} bytes (${(totalBytes / 1024).toFixed(1)} KiB)\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`make-tiny-model: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
