import { useTranslation } from 'react-i18next';

/** A screen that failed to load (a deploy replaced its chunk, the network dropped). */
export function RouteError() {
  const { t } = useTranslation();
  return (
    <main className="center-page" role="alert">
      <h1>{t('errors.screenTitle')}</h1>
      <p>{t('errors.screenBody')}</p>
      <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
        {t('common.reload')}
      </button>
    </main>
  );
}
