import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ErrorNotice } from '@/components/error-notice';
import { Page } from '@/components/page';
import { Spinner } from '@/components/spinner';
import { useBalance, useCatalogue, useModels } from '@/lib/account';
import { settingsFromQuery } from '@/lib/generation-settings';
import { GenerateForm, type Submitted } from './generate-form';
import { GenerationProgress } from './generation-progress';
import { RecentResults } from './recent-results';

export function GenerateScreen() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const models = useModels();
  const balance = useBalance();
  const catalogue = useCatalogue();
  const [submitted, setSubmitted] = useState<Submitted | null>(null);
  const usable = (models.data ?? []).filter((m) => m.enabled && m.status === 'validated');
  const error = models.error ?? balance.error ?? catalogue.error;
  return (
    <Page title={t('generate.title')}>
      <div className="generate-layout">
        <div>
          {error ? (
            <ErrorNotice error={error} />
          ) : models.data && balance.data && catalogue.data ? (
            <GenerateForm
              key={params.toString()}
              models={usable}
              balance={balance.data}
              plans={catalogue.data.plans}
              initial={settingsFromQuery(params)}
              onSubmitted={setSubmitted}
            />
          ) : (
            <Spinner />
          )}
        </div>
        <div className="stack">
          {submitted && (
            <GenerationProgress
              key={submitted.answer.id}
              id={submitted.answer.id}
              totalSteps={submitted.totalSteps}
              prompt={submitted.prompt}
              position={submitted.answer.position}
            />
          )}
          <RecentResults exclude={submitted?.answer.id ?? null} />
        </div>
      </div>
    </Page>
  );
}
