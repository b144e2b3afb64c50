import { TIERS, type Tier } from '@pingvas/contracts';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { Field } from '@/components/field';
import { isApiError } from '@/lib/errors';
import { useRegisterModel } from '../api/admin';

interface Values {
  name: string;
  path: string;
  family: string;
  steps: number;
  guidanceScale: number;
  width: number;
  height: number;
  scheduler: 'euler' | 'lcm';
  minSide: number;
  maxSide: number;
  maxSteps: number;
  perImage: number;
  perStep: number;
  minTier: Tier;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
type NumberField =
  | 'steps'
  | 'guidanceScale'
  | 'width'
  | 'height'
  | 'minSide'
  | 'maxSide'
  | 'maxSteps'
  | 'perImage'
  | 'perStep';
const NUMBERS: { name: NumberField; min: number; max: number; step?: number }[] = [
  { name: 'steps', min: 1, max: 150 },
  { name: 'guidanceScale', min: 0, max: 30, step: 0.5 },
  { name: 'width', min: 64, max: 4096 },
  { name: 'height', min: 64, max: 4096 },
  { name: 'minSide', min: 64, max: 4096 },
  { name: 'maxSide', min: 64, max: 4096 },
  { name: 'maxSteps', min: 1, max: 150 },
  { name: 'perImage', min: 0, max: 100_000 },
  { name: 'perStep', min: 0, max: 100_000 },
];

/** Register a model package under MODELS_DIR; the service validates every graph at once. */
export function RegisterModelForm() {
  const { t } = useTranslation();
  const register = useRegisterModel();
  const form = useForm<Values>({
    defaultValues: {
      name: '',
      path: '',
      family: 'sd-turbo',
      steps: 4,
      guidanceScale: 1,
      width: 512,
      height: 512,
      scheduler: 'euler',
      minSide: 64,
      maxSide: 512,
      maxSteps: 50,
      perImage: 1,
      perStep: 1,
      minTier: 'free',
    },
  });
  const errors = form.formState.errors;
  const onSubmit = form.handleSubmit((v) =>
    register.mutate({
      name: v.name,
      path: v.path.trim(),
      family: v.family.trim(),
      defaults: {
        steps: v.steps,
        guidanceScale: v.guidanceScale,
        width: v.width,
        height: v.height,
        scheduler: v.scheduler,
      },
      limits: { minSide: v.minSide, maxSide: v.maxSide, maxSteps: v.maxSteps },
      cost: { perImage: v.perImage, perStep: v.perStep },
      minTier: v.minTier,
    }),
  );
  const result = register.data;
  return (
    <form
      className="stack register-model"
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="register-title"
    >
      <h3 id="register-title">{t('admin.register')}</h3>
      <div className="grid-3">
        <Field label={t('admin.modelName')} error={errors.name?.message} hint={t('admin.nameHint')}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              {...form.register('name', {
                required: t('admin.nameRule'),
                pattern: { value: NAME, message: t('admin.nameRule') },
              })}
            />
          )}
        </Field>
        <Field
          label={t('admin.path')}
          error={
            errors.path?.message ??
            (isApiError(register.error, 'BAD_MODEL_PATH') ? t('errors.BAD_MODEL_PATH') : undefined)
          }
          hint={t('admin.pathHint')}
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              {...form.register('path', {
                required: t('admin.required'),
                maxLength: { value: 255, message: t('admin.tooLong') },
              })}
            />
          )}
        </Field>
        <Field label={t('admin.family')} error={errors.family?.message}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              {...form.register('family', {
                required: t('admin.required'),
                maxLength: { value: 64, message: t('admin.tooLong') },
              })}
            />
          )}
        </Field>
        {NUMBERS.map((n) => (
          <Field key={n.name} label={t(`admin.fields.${n.name}`)} error={errors[n.name]?.message}>
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                type="number"
                min={n.min}
                max={n.max}
                step={n.step ?? 1}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                {...form.register(n.name, {
                  valueAsNumber: true,
                  validate: (value) =>
                    (Number.isFinite(value) &&
                      value >= n.min &&
                      value <= n.max &&
                      (n.step !== undefined || Number.isInteger(value))) ||
                    t('admin.range', { min: n.min, max: n.max }),
                })}
              />
            )}
          </Field>
        ))}
        <Field label={t('admin.fields.scheduler')}>
          {({ id }) => (
            <select id={id} {...form.register('scheduler')}>
              <option value="euler">Euler</option>
              <option value="lcm">LCM</option>
            </select>
          )}
        </Field>
        <Field label={t('admin.minTier')}>
          {({ id }) => (
            <select id={id} {...form.register('minTier')}>
              {TIERS.map((tier) => (
                <option key={tier} value={tier}>
                  {tier}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {!isApiError(register.error, 'BAD_MODEL_PATH') && <ErrorNotice error={register.error} />}
      {result && (
        <p
          className={result.status === 'validated' ? 'notice notice-ok' : 'notice notice-error'}
          role="status"
        >
          {result.status === 'validated'
            ? t('admin.registered', { name: result.name })
            : t('admin.registerFailed', { name: result.name })}
        </p>
      )}
      <Button type="submit" variant="primary" busy={register.isPending}>
        {t('admin.registerSubmit')}
      </Button>
    </form>
  );
}
