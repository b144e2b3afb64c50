import type { Model, Plan } from '@/types/api';

/** Size presets offered on the Generate screen, besides the model's own default size. */
export const SIZE_PRESETS = [
  { key: '512', width: 512, height: 512 },
  { key: '512x768', width: 512, height: 768 },
  { key: '768x512', width: 768, height: 512 },
  { key: '768', width: 768, height: 768 },
  { key: '1024', width: 1024, height: 1024 },
  { key: '1536', width: 1536, height: 1536 },
  { key: '2048', width: 2048, height: 2048 },
] as const;

export const MAX_SEED = 2 ** 32 - 1;
export const MAX_PROMPT = 2000;

export type SizeLock =
  | { kind: 'open' }
  /** The plan caps the side: `plan` is the cheapest plan that allows it, if any. */
  | { kind: 'plan'; plan: Plan | null }
  | { kind: 'model'; maxSide: number };

/** Why a size cannot be chosen: the plan first (what buying opens), then the model. */
export function sizeLock(
  width: number,
  height: number,
  plan: Plan,
  plans: Plan[],
  model: Model | undefined,
): SizeLock {
  const side = Math.max(width, height);
  if (side > plan.limits.maxSide) {
    const opener = [...plans]
      .sort((a, b) => a.priceCents - b.priceCents)
      .find((p) => p.limits.maxSide >= side);
    return { kind: 'plan', plan: opener ?? null };
  }
  if (model && (side > model.limits.maxSide || Math.min(width, height) < model.limits.minSide)) {
    return { kind: 'model', maxSide: model.limits.maxSide };
  }
  return { kind: 'open' };
}

/** What a generation costs (README: count × (perImage + perStep × steps)). */
export function generationCost(model: Model | undefined, steps: number, count: number): number {
  if (!model || !Number.isFinite(steps) || !Number.isFinite(count)) return 0;
  return count * (model.cost.perImage + model.cost.perStep * steps);
}

export interface FormIssue {
  field:
    'prompt' | 'negativePrompt' | 'width' | 'height' | 'steps' | 'guidanceScale' | 'seed' | 'count';
  key:
    | 'required'
    | 'tooLong'
    | 'sizeMultiple'
    | 'sizePlan'
    | 'sizeModel'
    | 'steps'
    | 'guidance'
    | 'seed'
    | 'countPlan';
  values?: Record<string, number | string>;
}

export interface GenerationInput {
  prompt: string;
  negativePrompt: string;
  width: number;
  height: number;
  steps: number;
  guidanceScale: number;
  seed: number | null;
  count: number;
}

/**
 * The server's rules, checked before anything is sent, so a mistake is shown next to its field
 * at once and no request goes out (the server checks the same and stays the authority).
 */
export function validateGeneration(
  input: GenerationInput,
  plan: Plan,
  model: Model | undefined,
): FormIssue[] {
  const issues: FormIssue[] = [];
  if (!input.prompt.trim()) issues.push({ field: 'prompt', key: 'required' });
  if (input.prompt.length > MAX_PROMPT)
    issues.push({ field: 'prompt', key: 'tooLong', values: { max: MAX_PROMPT } });
  if (input.negativePrompt.length > MAX_PROMPT)
    issues.push({ field: 'negativePrompt', key: 'tooLong', values: { max: MAX_PROMPT } });
  for (const field of ['width', 'height'] as const) {
    const value = input[field];
    if (!Number.isInteger(value) || value % 8 !== 0 || value < 64)
      issues.push({ field, key: 'sizeMultiple' });
    else if (value > plan.limits.maxSide)
      issues.push({
        field,
        key: 'sizePlan',
        values: { max: plan.limits.maxSide, plan: plan.name },
      });
    else if (model && (value > model.limits.maxSide || value < model.limits.minSide))
      issues.push({
        field,
        key: 'sizeModel',
        values: { min: model.limits.minSide, max: model.limits.maxSide },
      });
  }
  const maxSteps = model?.limits.maxSteps ?? 200;
  if (!Number.isInteger(input.steps) || input.steps < 1 || input.steps > maxSteps)
    issues.push({ field: 'steps', key: 'steps', values: { max: maxSteps } });
  if (!Number.isFinite(input.guidanceScale) || input.guidanceScale < 0 || input.guidanceScale > 30)
    issues.push({ field: 'guidanceScale', key: 'guidance' });
  if (
    input.seed !== null &&
    (!Number.isInteger(input.seed) || input.seed < 0 || input.seed > MAX_SEED)
  )
    issues.push({ field: 'seed', key: 'seed', values: { max: MAX_SEED } });
  const maxCount = plan.limits.maxImagesPerGeneration;
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > maxCount)
    issues.push({ field: 'count', key: 'countPlan', values: { max: maxCount, plan: plan.name } });
  return issues;
}
