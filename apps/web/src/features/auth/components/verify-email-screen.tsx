import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ResendVerification } from '@/components/resend-verification';
import { Spinner } from '@/components/spinner';
import { useSession } from '@/lib/account';
import { isApiError } from '@/lib/errors';
import { useVerifyEmail } from '../api/auth';
import { AuthCard } from './auth-card';

/** Where the mailed link lands: the token is spent once, then success, expired or invalid. */
export function VerifyEmailScreen({ token }: { token: string }) {
  const { t } = useTranslation();
  const state = useSession();
  const signedIn = state.status === 'signedIn';
  const verify = useVerifyEmail(token, state.status !== 'restoring');
  const next = signedIn ? (
    <Link to="/generate">{t('verifyEmail.toApp')}</Link>
  ) : (
    <Link to="/signin">{t('auth.signIn')}</Link>
  );

  if (token !== '' && (verify.isPending || state.status === 'restoring')) {
    return (
      <AuthCard title={t('verifyEmail.title')}>
        <Spinner label={t('verifyEmail.checking')} />
      </AuthCard>
    );
  }
  if (verify.isSuccess) {
    return (
      <AuthCard title={t('verifyEmail.doneTitle')}>
        <div className="stack">
          <p className="notice notice-ok" role="status">
            {t('verifyEmail.done', { email: verify.data.email })}
          </p>
          <p>{next}</p>
        </div>
      </AuthCard>
    );
  }
  const expired = isApiError(verify.error, 'TOKEN_EXPIRED');
  const known = expired || isApiError(verify.error, 'TOKEN_INVALID') || token === '';
  return (
    <AuthCard title={expired ? t('verifyEmail.expiredTitle') : t('verifyEmail.invalidTitle')}>
      <div className="stack">
        <div className="notice notice-error" role="alert">
          {known
            ? expired
              ? t('verifyEmail.expired')
              : t('verifyEmail.invalid')
            : t('errors.generic')}
        </div>
        {signedIn ? (
          <div className="row">
            <ResendVerification />
          </div>
        ) : (
          <p>{t('verifyEmail.signInToResend')}</p>
        )}
        <p>{next}</p>
      </div>
    </AuthCard>
  );
}
