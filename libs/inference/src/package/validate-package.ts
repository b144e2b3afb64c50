import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { type GraphContract, PIPELINE_CONTRACT, type ValueContract } from './contract';
import { OPTIONAL_PACKAGE_FILES, PACKAGE_FILES, sha256File as sha256 } from './package-files';

export interface PackageValidation {
  ok: boolean;
  /** Reasons a person can act on: which file, which input, expected vs found. */
  problems: string[];
  /** sha256 of every file checked, by path inside the package. */
  hashes: Record<string, string>;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function checkValues(
  file: string,
  side: 'input' | 'output',
  expected: readonly ValueContract[],
  found: readonly InferenceSession.ValueMetadata[],
): string[] {
  const problems: string[] = [];
  for (const want of expected) {
    const have = found.find((v) => v.name === want.name);
    if (!have) {
      const names = found.map((v) => v.name).join(', ') || 'none';
      problems.push(`${file}: ${side} "${want.name}" is missing (found: ${names})`);
      continue;
    }
    if (!have.isTensor) {
      problems.push(`${file}: ${side} "${want.name}" must be a tensor`);
      continue;
    }
    if (!(want.types as readonly string[]).includes(have.type)) {
      problems.push(
        `${file}: ${side} "${want.name}" has element type ${have.type}, expected ${want.types.join(' or ')}`,
      );
    }
    if (have.shape.length > 0 && have.shape.length !== want.rank) {
      problems.push(
        `${file}: ${side} "${want.name}" has rank ${have.shape.length} [${have.shape.join(', ')}], expected rank ${want.rank}`,
      );
    }
  }
  return problems;
}

async function checkGraph(dir: string, graph: GraphContract): Promise<string[]> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(join(dir, graph.file), { executionProviders: ['cpu'] });
  } catch (err) {
    return [`${graph.file}: cannot be opened by ONNX Runtime (${String(err).slice(0, 300)})`];
  }
  try {
    return [
      ...checkValues(graph.file, 'input', graph.inputs, session.inputMetadata),
      ...checkValues(graph.file, 'output', graph.outputs, session.outputMetadata),
    ];
  } finally {
    await session.release();
  }
}

/**
 * Checks a model package the way registration needs: every file is present, every graph opens
 * with the CPU provider and has the inputs and outputs the pipeline uses, and every file is hashed.
 */
export async function validatePackage(dir: string): Promise<PackageValidation> {
  const problems: string[] = [];
  const hashes: Record<string, string> = {};
  const graphs = Object.values(PIPELINE_CONTRACT);
  for (const file of PACKAGE_FILES) {
    const path = join(dir, file);
    if (!(await exists(path))) problems.push(`${file}: missing`);
    else hashes[file] = await sha256(path);
  }
  for (const file of OPTIONAL_PACKAGE_FILES) {
    const path = join(dir, file);
    if (await exists(path)) hashes[file] = await sha256(path);
  }
  for (const graph of graphs) {
    if (hashes[graph.file]) problems.push(...(await checkGraph(dir, graph)));
  }
  if (hashes['model_index.json']) {
    try {
      JSON.parse(await readFile(join(dir, 'model_index.json'), 'utf8'));
    } catch {
      problems.push('model_index.json: not valid JSON');
    }
  }
  return { ok: problems.length === 0, problems, hashes };
}
