import { useTranslation } from 'react-i18next';
import type { Model, Plan } from '@/types/api';
import { SIZE_PRESETS, sizeLock } from '../limits';

interface SizePickerProps {
  value: string;
  onChange: (key: string) => void;
  model: Model | undefined;
  plan: Plan;
  plans: Plan[];
}

/** The model's size, presets (locked ones say which plan opens them), or a size of one's own. */
export function SizePicker({ value, onChange, model, plan, plans }: SizePickerProps) {
  const { t } = useTranslation();
  const options = [
    ...(model
      ? [{ key: 'default', width: model.defaults.width, height: model.defaults.height }]
      : []),
    ...SIZE_PRESETS,
  ];
  return (
    <fieldset className="size-picker">
      <legend>{t('generate.size')}</legend>
      <div className="size-options">
        {options.map((option) => {
          const lock = sizeLock(option.width, option.height, plan, plans, model);
          const locked = lock.kind !== 'open';
          const reasonId = `size-${option.key}-reason`;
          return (
            <label key={option.key} className={locked ? 'size-option locked' : 'size-option'}>
              <input
                type="radio"
                name="size"
                value={option.key}
                checked={value === option.key}
                disabled={locked}
                aria-describedby={locked ? reasonId : undefined}
                onChange={() => onChange(option.key)}
              />
              <span className="size-label">
                {option.key === 'default'
                  ? t('generate.sizeDefault', { width: option.width, height: option.height })
                  : t('generate.sizeValue', { width: option.width, height: option.height })}
              </span>
              {lock.kind === 'plan' && (
                <span id={reasonId} className="size-lock">
                  {lock.plan
                    ? t('generate.lockedPlan', { plan: lock.plan.name })
                    : t('generate.lockedNoPlan')}
                </span>
              )}
              {lock.kind === 'model' && (
                <span id={reasonId} className="size-lock">
                  {t('generate.lockedModel', { max: lock.maxSide })}
                </span>
              )}
            </label>
          );
        })}
        <label className="size-option">
          <input
            type="radio"
            name="size"
            value="custom"
            checked={value === 'custom'}
            onChange={() => onChange('custom')}
          />
          <span className="size-label">{t('generate.sizeCustom')}</span>
        </label>
      </div>
    </fieldset>
  );
}
