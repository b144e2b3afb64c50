import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { Field } from '@/components/field';
import { LANGUAGES } from '@/lib/i18n';
import type { Locale, Me } from '@/types/api';
import { useUpdateMailLocale } from '../api/settings';

export function MailLanguageForm({ me }: { me: Me }) {
  const { t } = useTranslation();
  const update = useUpdateMailLocale();
  const [locale, setLocale] = useState<Locale>(me.locale);
  return (
    <section className="card stack" aria-labelledby="mail-language-title">
      <h2 id="mail-language-title">{t('settings.mailLanguage.title')}</h2>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate(locale);
        }}
      >
        <Field label={t('settings.mailLanguage.label')} hint={t('settings.mailLanguage.hint')}>
          {({ id, describedBy }) => (
            <select
              id={id}
              aria-describedby={describedBy}
              value={locale}
              onChange={(e) => {
                update.reset();
                setLocale(e.target.value as Locale);
              }}
            >
              {LANGUAGES.map((lng) => (
                <option key={lng} value={lng} lang={lng}>
                  {t(`prefs.languages.${lng}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <ErrorNotice error={update.error} />
        {update.isSuccess && (
          <p className="notice notice-ok" role="status">
            {t('settings.mailLanguage.saved')}
          </p>
        )}
        <div className="row">
          <Button type="submit" variant="primary" busy={update.isPending}>
            {t('common.save')}
          </Button>
        </div>
      </form>
    </section>
  );
}
