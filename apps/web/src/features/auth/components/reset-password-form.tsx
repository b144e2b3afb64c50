import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { Field } from '@/components/field';
import { isApiError } from '@/lib/errors';
import { session } from '@/lib/session';
import { useResetPassword } from '../api/auth';
import { newPasswordRules } from '../password-rule';
import { AuthCard } from './auth-card';

/**
 * Where the reset mail lands: a new password under the sign-up rule. Every session ends with
 * it (this browser's too), so success goes to sign-in with a notice.
 */
export function ResetPasswordForm({ token }: { token: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const reset = useResetPassword();
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<{ password: string }>({ defaultValues: { password: '' } });
  const onSubmit = handleSubmit((values) =>
    reset.mutate(
      { token, password: values.password },
      {
        onSuccess: async () => {
          if (session.get().status === 'signedIn') await session.signOut();
          void navigate('/signin', { replace: true, state: { notice: 'passwordReset' } });
        },
      },
    ),
  );
  const expired = isApiError(reset.error, 'TOKEN_EXPIRED');
  const badLink = token === '' || expired || isApiError(reset.error, 'TOKEN_INVALID');
  const weak = isApiError(reset.error, 'WEAK_PASSWORD');

  if (badLink) {
    return (
      <AuthCard title={t('resetPassword.title')}>
        <div className="stack">
          <div className="notice notice-error" role="alert">
            {expired ? t('resetPassword.expired') : t('resetPassword.invalid')}
          </div>
          <p>
            <Link to="/forgot-password">{t('resetPassword.again')}</Link>
          </p>
        </div>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t('resetPassword.title')}>
      <form onSubmit={onSubmit} noValidate className="stack">
        <Field
          label={t('resetPassword.newPassword')}
          hint={t('auth.passwordRule')}
          error={errors.password?.message ?? (weak ? t('errors.WEAK_PASSWORD') : undefined)}
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="password"
              autoComplete="new-password"
              aria-describedby={describedBy}
              aria-invalid={invalid}
              {...register('password', newPasswordRules(t))}
            />
          )}
        </Field>
        {!weak && <ErrorNotice error={reset.error} />}
        <Button type="submit" variant="primary" busy={reset.isPending}>
          {t('resetPassword.submit')}
        </Button>
      </form>
    </AuthCard>
  );
}
