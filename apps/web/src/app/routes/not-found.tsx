import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Page } from '@/components/page';

export function NotFoundRoute() {
  const { t } = useTranslation();
  return (
    <Page title={t('notFound.title')}>
      <p>{t('notFound.body')}</p>
      <Link to="/generate">{t('notFound.home')}</Link>
    </Page>
  );
}
