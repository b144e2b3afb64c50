import { randomInt } from 'node:crypto';
import { AppError } from '@pingvas/common';
import type { GenerationParams, PlanForUser, ResolvedModel } from '@pingvas/contracts';
import { type CreateGenerationDto, MAX_SEED } from './generation.dto';

/**
 * The parameters a generation runs with: the body's, else the model's defaults, checked
 * against the model's limits and the plan's (every problem named at once).
 */
export function generationParams(
  body: CreateGenerationDto,
  model: ResolvedModel,
  plan: PlanForUser,
): GenerationParams {
  const params: GenerationParams = {
    width: body.width ?? model.defaults.width,
    height: body.height ?? model.defaults.height,
    steps: body.steps ?? model.defaults.steps,
    guidanceScale: body.guidanceScale ?? model.defaults.guidanceScale,
    seed: body.seed ?? randomInt(0, MAX_SEED),
    count: body.count ?? 1,
    scheduler: model.defaults.scheduler,
  };
  const problems: string[] = [];
  const maxSide = Math.min(model.limits.maxSide, plan.limits.maxSide);
  for (const side of ['width', 'height'] as const) {
    const value = params[side];
    if (value % 8 !== 0) problems.push(`${side} must be a multiple of 8`);
    if (value < model.limits.minSide)
      problems.push(`${side} must be at least ${model.limits.minSide} for ${model.name}`);
    if (value > maxSide) {
      problems.push(
        value > plan.limits.maxSide
          ? `${side} must be at most ${plan.limits.maxSide} on the ${plan.tier} plan`
          : `${side} must be at most ${model.limits.maxSide} for ${model.name}`,
      );
    }
  }
  if (params.steps > model.limits.maxSteps)
    problems.push(`steps must be at most ${model.limits.maxSteps} for ${model.name}`);
  if (params.count > plan.limits.maxImagesPerGeneration) {
    problems.push(
      `count must be at most ${plan.limits.maxImagesPerGeneration} on the ${plan.tier} plan`,
    );
  }
  if (problems.length > 0)
    throw new AppError('VALIDATION_FAILED', problems.join('; '), { problems });
  return params;
}
