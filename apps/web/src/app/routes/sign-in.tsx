import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { AuthForm } from '@/features/auth/components/auth-form';

export function SignInRoute() {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${t('auth.signInTitle')} · ${t('app.name')}`;
  }, [t]);
  return <AuthForm mode="signin" />;
}
