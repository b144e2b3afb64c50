import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { EmailField, emailRules } from '@/components/email-field';
import { useForgotPassword } from '../api/auth';
import { AuthCard } from './auth-card';

/** Asks for a reset link; the answer never says whether the address has an account. */
export function ForgotPasswordForm() {
  const { t } = useTranslation();
  const forgot = useForgotPassword();
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<{ email: string }>({ defaultValues: { email: '' } });
  const onSubmit = handleSubmit((values) => forgot.mutate(values.email.trim()));

  return (
    <AuthCard title={t('forgotPassword.title')}>
      {forgot.isSuccess ? (
        <div className="stack">
          <p className="notice notice-ok" role="status">
            {t('forgotPassword.sent', { email: forgot.variables })}
          </p>
          <p className="muted">{t('forgotPassword.sentHint')}</p>
        </div>
      ) : (
        <form onSubmit={onSubmit} noValidate className="stack">
          <p className="muted">{t('forgotPassword.intro')}</p>
          <EmailField
            error={errors.email?.message}
            registration={register('email', emailRules(t))}
          />
          <ErrorNotice error={forgot.error} />
          <Button type="submit" variant="primary" busy={forgot.isPending}>
            {t('forgotPassword.submit')}
          </Button>
        </form>
      )}
      <p className="auth-switch">
        <Link to="/signin">{t('forgotPassword.back')}</Link>
      </p>
    </AuthCard>
  );
}
