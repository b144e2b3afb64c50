import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** After the account's deletion: what happens next, and a way back for a new account. */
export function GoodbyeRoute() {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${t('goodbye.title')} · ${t('app.name')}`;
  }, [t]);
  return (
    <main className="center-page">
      <h1>{t('goodbye.title')}</h1>
      <p>{t('goodbye.body')}</p>
      <p className="muted">{t('goodbye.mail')}</p>
      <Link to="/signup">{t('goodbye.signUp')}</Link>
    </main>
  );
}
