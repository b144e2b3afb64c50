import { useTranslation } from 'react-i18next';
import { ResendVerification } from '@/components/resend-verification';
import { useCurrentUser, useMe } from '@/lib/account';

/** While the address is unproven: what waits on it (checkout, API keys) and a fresh link. */
export function EmailVerificationBanner() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const me = useMe();
  const verified = me.data?.emailVerified ?? user?.emailVerified;
  // Unknown (an older profile without the field) reads as verified: no banner on a guess.
  if (!user || verified !== false) return null;
  return (
    <section className="verify-banner notice notice-warn" aria-label={t('verifyEmail.bannerLabel')}>
      <p>
        <strong>{t('verifyEmail.bannerTitle', { email: me.data?.email ?? user.email })}</strong>{' '}
        {t('verifyEmail.bannerBody')}
      </p>
      <ResendVerification />
    </section>
  );
}
