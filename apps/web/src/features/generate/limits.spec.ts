import type { Model, Plan } from '@/types/api';
import { generationCost, sizeLock, validateGeneration } from './limits';

const plan = (planId: string, maxSide: number, priceCents: number, max = 1): Plan => ({
  planId,
  tier: 'free',
  name: planId,
  monthlyCredits: 100,
  priceCents,
  limits: { maxSide, maxImagesPerGeneration: max, maxJobsInFlight: 1, queueWeight: 1 },
});
const free = plan('Free', 512, 0);
const plans = [plan('Pro', 1024, 2400), free, plan('Starter', 768, 900)];
const model = {
  limits: { minSide: 64, maxSide: 1024, maxSteps: 50 },
  cost: { perImage: 1, perStep: 1 },
} as Model;
const input = {
  prompt: '고양이',
  negativePrompt: '',
  width: 512,
  height: 512,
  steps: 4,
  guidanceScale: 1,
  seed: null,
  count: 1,
};

describe('what the Generate form lets a plan choose', () => {
  it('locks a size past the plan and names the cheapest plan that opens it', () => {
    expect(sizeLock(768, 512, free, plans, model)).toEqual({ kind: 'plan', plan: plans[2] });
    expect(sizeLock(1024, 1024, free, plans, model)).toEqual({ kind: 'plan', plan: plans[0] });
  });

  it("locks a size the plan allows but the model cannot make, saying the model's limit", () => {
    expect(
      sizeLock(512, 512, free, plans, { ...model, limits: { ...model.limits, maxSide: 256 } }),
    ).toEqual({
      kind: 'model',
      maxSide: 256,
    });
  });

  it('costs count × (perImage + perStep × steps)', () => {
    expect(generationCost(model, 4, 2)).toBe(10);
  });

  it('refuses a blank prompt, a size past the plan and more images than the plan makes', () => {
    const issues = validateGeneration(
      { ...input, prompt: '  ', width: 1024, count: 2 },
      free,
      model,
    );
    expect(issues.map((i) => [i.field, i.key])).toEqual([
      ['prompt', 'required'],
      ['width', 'sizePlan'],
      ['count', 'countPlan'],
    ]);
  });

  it('accepts what the plan and model allow', () => {
    expect(validateGeneration({ ...input, seed: 42 }, free, model)).toEqual([]);
  });
});
