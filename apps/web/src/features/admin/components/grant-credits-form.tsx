import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { Field } from '@/components/field';
import { useFormat } from '@/lib/format';
import { useGrantCredits } from '../api/admin';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Values {
  userId: string;
  amount: number;
  reason: string;
}

export function GrantCreditsForm() {
  const { t } = useTranslation();
  const format = useFormat();
  const grant = useGrantCredits();
  // One key per filled-in form: pressing the button twice (or a retry) grants once.
  const [key, setKey] = useState(() => crypto.randomUUID());
  const form = useForm<Values>({ defaultValues: { userId: '', amount: 100, reason: '' } });
  const errors = form.formState.errors;
  const onSubmit = form.handleSubmit((v) =>
    grant.mutate(
      { key, userId: v.userId.trim(), amount: v.amount, reason: v.reason.trim() },
      {
        onSuccess: () => (
          setKey(crypto.randomUUID()),
          form.reset({ userId: '', amount: 100, reason: '' })
        ),
      },
    ),
  );
  return (
    <section className="card stack" aria-labelledby="grant-title">
      <h2 id="grant-title">{t('admin.grant')}</h2>
      <form className="stack" onSubmit={onSubmit} noValidate>
        <div className="grid-3">
          <Field
            label={t('admin.userId')}
            error={errors.userId?.message}
            hint={t('admin.userIdHint')}
          >
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                {...form.register('userId', {
                  pattern: { value: UUID, message: t('admin.userIdRule') },
                  required: t('admin.userIdRule'),
                })}
              />
            )}
          </Field>
          <Field label={t('admin.amount')} error={errors.amount?.message}>
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                type="number"
                min={1}
                max={10_000_000}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                {...form.register('amount', {
                  valueAsNumber: true,
                  validate: (n) =>
                    (Number.isInteger(n) && n >= 1 && n <= 10_000_000) ||
                    t('admin.range', { min: 1, max: 10_000_000 }),
                })}
              />
            )}
          </Field>
          <Field label={t('admin.reason')} error={errors.reason?.message}>
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                {...form.register('reason', {
                  validate: (s) =>
                    (s.trim().length > 0 && s.length <= 200) || t('admin.reasonRule'),
                })}
              />
            )}
          </Field>
        </div>
        <ErrorNotice error={grant.error} />
        {grant.data && (
          <p className="notice notice-ok" role="status">
            {t('admin.granted', { amount: format.number(grant.data.available) })}
          </p>
        )}
        <Button type="submit" variant="primary" busy={grant.isPending}>
          {t('admin.grantSubmit')}
        </Button>
      </form>
    </section>
  );
}
