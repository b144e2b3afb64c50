/**
 * Sets or prints `image.tag` of Helm values files (scripts/set-image-tag/values-file.ts). The
 * delivery workflow writes the commit whose images it pushed into every values-dev.yaml; the
 * promote-prod workflow copies each chart's dev tag into its values-prod.yaml.
 *
 *   node dist/scripts/set-image-tag.js <tag> <values file>...
 *   node dist/scripts/set-image-tag.js --get <values file>      prints the file's tag
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readImageTag, setImageTag } from './set-image-tag/values-file';

function main(args: string[]): void {
  const [first, ...files] = args;
  if (!first || files.length === 0 || (first === '--get' && files.length !== 1)) {
    throw new Error('usage: set-image-tag <tag> <values file>... | --get <values file>');
  }
  if (first === '--get') {
    const tag = readImageTag(readFileSync(files[0], 'utf8'));
    if (!tag) throw new Error(`${files[0]}: no image.tag`);
    console.log(tag);
    return;
  }
  // Every file is checked before any is written: a release changes all of them or none.
  const edits = files.map((file) => {
    const before = readFileSync(file, 'utf8');
    try {
      return { file, before, after: setImageTag(before, first) };
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
  });
  for (const { file, before, after } of edits) {
    if (after !== before) writeFileSync(file, after);
    console.log(`${file}: image.tag ${readImageTag(before) || '(empty)'} -> ${first}`);
  }
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(`set-image-tag: ${(error as Error).message}`);
  process.exitCode = 1;
}
