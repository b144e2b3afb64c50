import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { AuthForm } from '@/features/auth/components/auth-form';

export function SignUpRoute() {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${t('auth.signUpTitle')} · ${t('app.name')}`;
  }, [t]);
  return <AuthForm mode="signup" />;
}
