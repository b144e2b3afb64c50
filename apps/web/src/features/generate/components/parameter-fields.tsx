import type { InputHTMLAttributes } from 'react';
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
  const seedMode = useWatch({ control: form.control, name: 'seedMode' });
  return (
    <>
      <div className={custom ? 'grid-2' : 'visually-hidden'} aria-hidden={!custom}>
        <NumberField
          form={form}
          name="width"
          label={t('generate.width')}
          hint={t('generate.sizeHint', { max: plan.limits.maxSide })}
          step={8}
          tabIndex={custom ? 0 : -1}
        />
        <NumberField
          form={form}
          name="height"
          label={t('generate.height')}
          step={8}
          tabIndex={custom ? 0 : -1}
        />
      </div>
      <div className="grid-3">
        <NumberField
          form={form}
          name="steps"
          label={t('generate.stepsLabel')}
          min={1}
          max={model?.limits.maxSteps}
        />
        <NumberField
          form={form}
          name="guidanceScale"
          label={t('generate.guidance')}
          min={0}
          max={30}
          step={0.5}
          inputMode="decimal"
        />
        <NumberField
          form={form}
          name="count"
          label={t('generate.count')}
          hint={t('generate.countHint', {
            max: plan.limits.maxImagesPerGeneration,
            plan: plan.name,
          })}
          min={1}
        />
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
          <NumberField
            form={form}
            name="seed"
            label={t('generate.seedValue')}
            hint={t('generate.seedHint', { max: MAX_SEED })}
            min={0}
            max={MAX_SEED}
          />
        )}
      </fieldset>
    </>
  );
}

interface NumberFieldProps extends Pick<
  InputHTMLAttributes<HTMLInputElement>,
  'min' | 'max' | 'step' | 'inputMode' | 'tabIndex'
> {
  form: UseFormReturn<FormValues>;
  name: 'width' | 'height' | 'steps' | 'guidanceScale' | 'count' | 'seed';
  label: string;
  hint?: string;
}

/** One numeric parameter: its label, hint and error around a number input bound to the form. */
function NumberField({
  form,
  name,
  label,
  hint,
  inputMode = 'numeric',
  ...input
}: NumberFieldProps) {
  return (
    <Field label={label} error={form.formState.errors[name]?.message} hint={hint}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          type="number"
          inputMode={inputMode}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          {...input}
          {...form.register(name, { valueAsNumber: true })}
        />
      )}
    </Field>
  );
}
