import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { EmailField, emailRules } from '@/components/email-field';
import { Field } from '@/components/field';
import { isApiError } from '@/lib/errors';
import type { Me } from '@/types/api';
import { useChangeEmail } from '../api/settings';

interface Values {
  email: string;
  password: string;
}

/** A new address applies once its mailed link is opened; until then it shows as pending. */
export function ChangeEmailForm({ me }: { me: Me }) {
  const { t } = useTranslation();
  const change = useChangeEmail();
  const {
    register,
    handleSubmit,
    reset,
    formState: { errors },
  } = useForm<Values>({ defaultValues: { email: '', password: '' } });
  const onSubmit = handleSubmit((values) =>
    change.mutate(
      { email: values.email.trim(), password: values.password },
      { onSuccess: () => reset() },
    ),
  );
  const wrongPassword = isApiError(change.error, 'WRONG_PASSWORD');
  const taken = isApiError(change.error, 'EMAIL_TAKEN');

  return (
    <section className="card stack" aria-labelledby="email-title">
      <h2 id="email-title">{t('settings.email.title')}</h2>
      <p>{t('settings.email.current', { email: me.email })}</p>
      {me.pendingEmail && (
        <p className="notice notice-warn" role="status">
          {t('settings.email.pending', { email: me.pendingEmail })}
        </p>
      )}
      <form onSubmit={onSubmit} noValidate className="stack">
        <EmailField
          label={t('settings.email.newEmail')}
          error={errors.email?.message ?? (taken ? t('errors.EMAIL_TAKEN') : undefined)}
          registration={register(
            'email',
            emailRules(
              t,
              (v) => v.trim().toLowerCase() !== me.email.toLowerCase() || t('settings.email.same'),
            ),
          )}
        />
        <Field
          label={t('settings.currentPassword')}
          error={
            errors.password?.message ?? (wrongPassword ? t('errors.WRONG_PASSWORD') : undefined)
          }
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="password"
              autoComplete="current-password"
              aria-describedby={describedBy}
              aria-invalid={invalid}
              {...register('password', { required: t('auth.passwordRequired') })}
            />
          )}
        </Field>
        {!wrongPassword && !taken && <ErrorNotice error={change.error} />}
        <div className="row">
          <Button type="submit" variant="primary" busy={change.isPending}>
            {t('settings.email.submit')}
          </Button>
        </div>
      </form>
    </section>
  );
}
