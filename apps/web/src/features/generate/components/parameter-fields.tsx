import { type UseFormReturn, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Field } from '@/components/field';
import type { Model, Plan } from '@/types/api';
import { MAX_SEED } from '../limits';

export interface FormValues {
  prompt: string;
  negativePrompt: string;
  modelId: string;
  width: number;
  height: number;
  steps: number;
  guidanceScale: number;
  seedMode: 'random' | 'fixed';
  seed: number;
  count: number;
}

interface ParameterFieldsProps {
  form: UseFormReturn<FormValues>;
  model: Model | undefined;
  plan: Plan;
  /** Whether "custom" size is chosen: the width and height fields show only then. */
  custom: boolean;
}

/** Size of one's own, steps, guidance, count and seed: the numbers of a generation. */
export function ParameterFields({ form, model, plan, custom }: ParameterFieldsProps) {
  const { t } = useTranslation();
  const { register } = form;
  const errors = form.formState.errors;
  const seedMode = useWatch({ control: form.control, name: 'seedMode' });
  return (
    <>
      <div className={custom ? 'grid-2' : 'visually-hidden'} aria-hidden={!custom}>
        <Field
          label={t('generate.width')}
          error={errors.width?.message}
          hint={t('generate.sizeHint', { max: plan.limits.maxSide })}
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="number"
              step={8}
              inputMode="numeric"
              tabIndex={custom ? 0 : -1}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              {...register('width', { valueAsNumber: true })}
            />
          )}
        </Field>
        <Field label={t('generate.height')} error={errors.height?.message}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="number"
              step={8}
              inputMode="numeric"
              tabIndex={custom ? 0 : -1}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              {...register('height', { valueAsNumber: true })}
            />
          )}
        </Field>
      </div>
      <div className="grid-3">
        <Field label={t('generate.stepsLabel')} error={errors.steps?.message}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="number"
              min={1}
              max={model?.limits.maxSteps}
              inputMode="numeric"
              aria-describedby={describedBy}
              aria-invalid={invalid}
              {...register('steps', { valueAsNumber: true })}
            />
          )}
        </Field>
        <Field label={t('generate.guidance')} error={errors.guidanceScale?.message}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="number"
              min={0}
              max={30}
              step={0.5}
              inputMode="decimal"
              aria-describedby={describedBy}
              aria-invalid={invalid}
              {...register('guidanceScale', { valueAsNumber: true })}
            />
          )}
        </Field>
        <Field
          label={t('generate.count')}
          error={errors.count?.message}
          hint={t('generate.countHint', {
            max: plan.limits.maxImagesPerGeneration,
            plan: plan.name,
          })}
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="number"
              min={1}
              inputMode="numeric"
              aria-describedby={describedBy}
              aria-invalid={invalid}
              {...register('count', { valueAsNumber: true })}
            />
          )}
        </Field>
      </div>
      <fieldset className="seed">
        <legend>{t('generate.seed')}</legend>
        <label className="inline">
          <input type="radio" value="random" {...register('seedMode')} /> {t('generate.seedRandom')}
        </label>
        <label className="inline">
          <input type="radio" value="fixed" {...register('seedMode')} /> {t('generate.seedFixed')}
        </label>
        {seedMode === 'fixed' && (
          <Field
            label={t('generate.seedValue')}
            error={errors.seed?.message}
            hint={t('generate.seedHint', { max: MAX_SEED })}
          >
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                type="number"
                min={0}
                max={MAX_SEED}
                inputMode="numeric"
                aria-describedby={describedBy}
                aria-invalid={invalid}
                {...register('seed', { valueAsNumber: true })}
              />
            )}
          </Field>
        )}
      </fieldset>
    </>
  );
}
