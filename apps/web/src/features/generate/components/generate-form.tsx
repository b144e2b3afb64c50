import { useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { Field } from '@/components/field';
import { isApiError } from '@/lib/errors';
import { useFormat } from '@/lib/format';
import type { GenerationSettings } from '@/lib/generation-settings';
import type { Balance, Model, Plan } from '@/types/api';
import { type SubmitAnswer, useSubmitGeneration } from '../api/generations';
import { type FormIssue, generationCost, SIZE_PRESETS, validateGeneration } from '../limits';
import { type FormValues, ParameterFields } from './parameter-fields';
import { SizePicker } from './size-picker';

export interface Submitted {
  answer: SubmitAnswer;
  totalSteps: number;
  prompt: string;
}

interface GenerateFormProps {
  models: Model[];
  balance: Balance;
  plans: Plan[];
  initial: Partial<GenerationSettings> | null;
  onSubmitted: (submitted: Submitted) => void;
}

function sizeKeyOf(width: number, height: number, model: Model | undefined): string {
  if (model && width === model.defaults.width && height === model.defaults.height) return 'default';
  return SIZE_PRESETS.find((p) => p.width === width && p.height === height)?.key ?? 'custom';
}

export function GenerateForm({ models, balance, plans, initial, onSubmitted }: GenerateFormProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const submit = useSubmitGeneration();
  const plan = balance.plan;
  const fallback = models.find((m) => m.isDefault) ?? models[0];
  const start =
    models.find((m) => m.id === initial?.modelId || m.name === initial?.modelId) ?? fallback;
  const width = initial?.width ?? start?.defaults.width ?? 512;
  const height = initial?.height ?? start?.defaults.height ?? 512;
  const [sizeKey, setSizeKey] = useState(() => sizeKeyOf(width, height, start));
  const form = useForm<FormValues>({
    defaultValues: {
      prompt: initial?.prompt ?? '',
      negativePrompt: initial?.negativePrompt ?? '',
      modelId: start?.id ?? '',
      width,
      height,
      steps: initial?.steps ?? start?.defaults.steps ?? 4,
      guidanceScale: initial?.guidanceScale ?? start?.defaults.guidanceScale ?? 1,
      seedMode: initial?.seed === undefined ? 'random' : 'fixed',
      seed: initial?.seed ?? 0,
      count: 1,
    },
  });
  const { register, setValue, setError, clearErrors, formState } = form;
  const errors = formState.errors;
  const [modelId, steps, count] = useWatch({
    control: form.control,
    name: ['modelId', 'steps', 'count'],
  });
  const model = models.find((m) => m.id === modelId);
  const cost = generationCost(model, Number(steps), Number(count));
  const after = balance.available - cost;

  const chooseSize = (key: string) => {
    setSizeKey(key);
    const preset =
      key === 'default' && model ? model.defaults : SIZE_PRESETS.find((p) => p.key === key);
    if (preset) {
      setValue('width', preset.width);
      setValue('height', preset.height);
    }
    clearErrors(['width', 'height']);
  };

  const chooseModel = (id: string) => {
    const next = models.find((m) => m.id === id);
    if (!next) return;
    setValue('steps', next.defaults.steps);
    setValue('guidanceScale', next.defaults.guidanceScale);
    setValue('width', next.defaults.width);
    setValue('height', next.defaults.height);
    setSizeKey('default');
  };

  const issueText = (issue: FormIssue) => t(`generate.issues.${issue.key}`, issue.values ?? {});

  const onSubmit = form.handleSubmit((values) => {
    const input = {
      prompt: values.prompt,
      negativePrompt: values.negativePrompt,
      width: Number(values.width),
      height: Number(values.height),
      steps: Number(values.steps),
      guidanceScale: Number(values.guidanceScale),
      seed: values.seedMode === 'fixed' ? Number(values.seed) : null,
      count: Number(values.count),
    };
    const issues = validateGeneration(input, plan, model);
    if (issues.length > 0) {
      issues.forEach((issue) => setError(issue.field, { message: issueText(issue) }));
      form.setFocus(issues[0].field);
      return;
    }
    submit.mutate(
      {
        prompt: input.prompt.trim(),
        ...(input.negativePrompt.trim() ? { negativePrompt: input.negativePrompt.trim() } : {}),
        ...(model ? { modelId: model.id } : {}),
        width: input.width,
        height: input.height,
        steps: input.steps,
        guidanceScale: input.guidanceScale,
        ...(input.seed !== null ? { seed: input.seed } : {}),
        count: input.count,
      },
      {
        onSuccess: (answer) =>
          onSubmitted({ answer, totalSteps: input.steps * input.count, prompt: input.prompt }),
        onError: (error) => {
          if (!isApiError(error, 'VALIDATION_FAILED')) return;
          for (const field of error.fields) {
            if (field in values)
              setError(field as keyof FormValues, { message: t('generate.issues.server') });
          }
        },
      },
    );
  });

  const serverError = submit.error;
  const fieldErrorShown =
    isApiError(serverError, 'VALIDATION_FAILED') && serverError.fields.length > 0;

  return (
    <form className="card stack generate-form" onSubmit={onSubmit} noValidate>
      <Field label={t('generate.prompt')} error={errors.prompt?.message}>
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            rows={3}
            lang="ko"
            placeholder={t('generate.promptPlaceholder')}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            {...register('prompt')}
          />
        )}
      </Field>
      <Field label={t('generate.negativePrompt')} error={errors.negativePrompt?.message}>
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            rows={2}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            {...register('negativePrompt')}
          />
        )}
      </Field>
      <Field
        label={t('generate.model')}
        hint={
          model
            ? t('generate.modelHint', {
                perImage: model.cost.perImage,
                perStep: model.cost.perStep,
              })
            : undefined
        }
      >
        {({ id, describedBy }) => (
          <select
            id={id}
            aria-describedby={describedBy}
            {...register('modelId', { onChange: (e) => chooseModel(e.target.value) })}
          >
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.isDefault ? t('generate.modelDefault', { name: m.name }) : m.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <SizePicker value={sizeKey} onChange={chooseSize} model={model} plan={plan} plans={plans} />
      <ParameterFields form={form} model={model} plan={plan} custom={sizeKey === 'custom'} />
      <output className={after < 0 ? 'cost cost-short' : 'cost'} aria-live="polite">
        {t('generate.cost', { cost: format.number(cost), after: format.number(after) })}
      </output>
      {!fieldErrorShown && (
        <ErrorNotice
          error={serverError}
          action={
            isApiError(serverError, 'INSUFFICIENT_CREDITS') ? (
              <Link to="/credits">{t('generate.buyCredits')}</Link>
            ) : isApiError(serverError, 'TOO_MANY_JOBS') ? (
              <Link to="/queue">{t('generate.openQueue')}</Link>
            ) : undefined
          }
        />
      )}
      <Button type="submit" variant="primary" busy={submit.isPending}>
        {t('generate.submit')}
      </Button>
    </form>
  );
}
