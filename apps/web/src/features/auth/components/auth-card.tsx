import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitcher } from '@/components/preferences';

/** The card of the signed-out screens: brand, language, the screen's heading (and title). */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="auth-top">
          <p className="brand">{t('app.name')}</p>
          <LanguageSwitcher />
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
