import { useTranslation } from 'react-i18next';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { isApiError } from '@/lib/errors';
import { useRequestExport } from '../api/settings';

/** A zip of the account, its generations, ledger and every image, mailed as a 24 h link. */
export function DataExport() {
  const { t } = useTranslation();
  const request = useRequestExport();
  const inProgress = isApiError(request.error, 'EXPORT_IN_PROGRESS');
  return (
    <section className="card stack" aria-labelledby="export-title">
      <h2 id="export-title">{t('settings.export.title')}</h2>
      <p>{t('settings.export.body')}</p>
      {request.isSuccess && (
        <p className="notice notice-ok" role="status">
          {t('settings.export.requested')}
        </p>
      )}
      {inProgress ? (
        <p className="notice notice-warn" role="status">
          {t('errors.EXPORT_IN_PROGRESS')}
        </p>
      ) : (
        <ErrorNotice error={request.error} />
      )}
      <div className="row">
        <Button
          busy={request.isPending}
          disabled={request.isSuccess || inProgress}
          onClick={() => request.mutate()}
        >
          {t('settings.export.submit')}
        </Button>
      </div>
    </section>
  );
}
