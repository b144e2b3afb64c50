import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { Button } from '@/components/button';
import { EmailField, emailRules } from '@/components/email-field';
import { ErrorNotice } from '@/components/error-notice';
import { Field } from '@/components/field';
import { isApiError } from '@/lib/errors';
import { useSignIn, useSignUp } from '../api/auth';
import { newPasswordRules } from '../password-rule';
import { AuthCard } from './auth-card';

interface FormValues {
  email: string;
  password: string;
  displayName: string;
}

/** Sign-in and sign-up share one form: sign-up adds a name and the password rule. */
export function AuthForm({ mode }: { mode: 'signin' | 'signup' }) {
  const { t } = useTranslation();
  const location = useLocation();
  const { reason, notice } =
    (location.state as { reason?: string; notice?: 'passwordReset' } | null) ?? {};
  const signIn = useSignIn();
  const signUp = useSignUp();
  const mutation = mode === 'signin' ? signIn : signUp;
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<FormValues>({ defaultValues: { email: '', password: '', displayName: '' } });

  const serverError = mutation.error;
  const emailTaken = isApiError(serverError, 'EMAIL_TAKEN');
  const weakPassword = isApiError(serverError, 'WEAK_PASSWORD');
  const onSubmit = handleSubmit((values) =>
    mutation.mutate({
      email: values.email.trim(),
      password: values.password,
      ...(mode === 'signup' && values.displayName.trim()
        ? { displayName: values.displayName.trim() }
        : {}),
    }),
  );
  const search = location.search;

  return (
    <AuthCard title={mode === 'signin' ? t('auth.signInTitle') : t('auth.signUpTitle')}>
      <p className="muted">{t('app.tagline')}</p>
      {notice === 'passwordReset' && (
        <p className="notice notice-ok" role="status">
          {t('resetPassword.done')}
        </p>
      )}
      {reason === 'reused' && (
        <p className="notice notice-warn" role="status">
          {t('auth.reusedNotice')}
        </p>
      )}
      {reason === 'expired' && (
        <p className="notice notice-warn" role="status">
          {t('auth.expiredNotice')}
        </p>
      )}
      <form onSubmit={onSubmit} noValidate className="stack">
        {mode === 'signup' && (
          <Field label={t('auth.displayName')} error={errors.displayName?.message}>
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                autoComplete="nickname"
                aria-describedby={describedBy}
                aria-invalid={invalid}
                {...register('displayName', {
                  maxLength: { value: 100, message: t('auth.displayNameTooLong') },
                })}
              />
            )}
          </Field>
        )}
        <EmailField
          error={errors.email?.message ?? (emailTaken ? t('errors.EMAIL_TAKEN') : undefined)}
          registration={register('email', emailRules(t))}
        />
        <Field
          label={t('auth.password')}
          hint={mode === 'signup' ? t('auth.passwordRule') : undefined}
          error={errors.password?.message ?? (weakPassword ? t('errors.WEAK_PASSWORD') : undefined)}
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="password"
              autoComplete={mode === 'signin' ? 'current-password' : 'new-password'}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              {...register(
                'password',
                mode === 'signup' ? newPasswordRules(t) : { required: t('auth.passwordRequired') },
              )}
            />
          )}
        </Field>
        {!emailTaken && !weakPassword && <ErrorNotice error={serverError} />}
        <Button type="submit" variant="primary" busy={mutation.isPending}>
          {mode === 'signin' ? t('auth.signIn') : t('auth.signUp')}
        </Button>
      </form>
      {mode === 'signin' && (
        <p className="auth-switch">
          <Link to="/forgot-password">{t('auth.forgotPassword')}</Link>
        </p>
      )}
      <p className="auth-switch">
        {mode === 'signin' ? t('auth.noAccount') : t('auth.haveAccount')}{' '}
        <Link to={{ pathname: mode === 'signin' ? '/signup' : '/signin', search }}>
          {mode === 'signin' ? t('auth.signUp') : t('auth.signIn')}
        </Link>
      </p>
    </AuthCard>
  );
}
