import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '@/components/error-notice';
import { Page } from '@/components/page';
import { Spinner } from '@/components/spinner';
import { useMe } from '@/lib/account';
import { ChangeEmailForm } from './change-email-form';
import { DeleteAccount } from './delete-account';
import { DataExport } from './data-export';
import { MailLanguageForm } from './mail-language-form';

/** The account: its address and mail language, a copy of everything, and leaving. */
export function SettingsScreen() {
  const { t } = useTranslation();
  const me = useMe();
  return (
    <Page title={t('settings.title')}>
      {me.isPending ? (
        <Spinner />
      ) : me.error ? (
        <ErrorNotice error={me.error} />
      ) : (
        <div className="stack settings">
          <MailLanguageForm me={me.data} />
          <ChangeEmailForm me={me.data} />
          <DataExport />
          <DeleteAccount me={me.data} />
        </div>
      )}
    </Page>
  );
}
