import { useTranslation } from 'react-i18next';
import { Page } from '@/components/page';
import { GrantCreditsForm } from './grant-credits-form';
import { ModelsPanel } from './models-panel';
import { QueueOverview } from './queue-overview';

export function AdminScreen() {
  const { t } = useTranslation();
  return (
    <Page title={t('admin.title')}>
      <div className="stack">
        <QueueOverview />
        <ModelsPanel />
        <GrantCreditsForm />
      </div>
    </Page>
  );
}
