import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { ErrorNotice } from '@/components/error-notice';
import { Page } from '@/components/page';
import { ProgressBar } from '@/components/progress-bar';
import { Spinner } from '@/components/spinner';
import { useFormat } from '@/lib/format';
import type { Generation } from '@/types/api';
import { useJobsInFlight, useQueueInfo } from '../api/queue';

/** My queue: what runs now, what waits and in which order, and about how long. */
export function QueueScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const info = useQueueInfo();
  const jobs = useJobsInFlight();
  const mine = info.data?.yours;
  const tier = mine ? info.data?.tiers[mine.tier] : undefined;
  return (
    <Page title={t('queue.title')}>
      <div className="stack">
        <section className="card" aria-labelledby="queue-summary">
          <h2 id="queue-summary">{t('queue.summary')}</h2>
          {info.error ? (
            <ErrorNotice error={info.error} />
          ) : !mine || !tier ? (
            <Spinner />
          ) : (
            <dl className="params" aria-live="polite">
              <dt>{t('queue.yourTier')}</dt>
              <dd>{mine.tier}</dd>
              <dt>{t('queue.inFlight')}</dt>
              <dd>
                {t('queue.inFlightValue', { count: mine.inFlight, max: mine.maxJobsInFlight })}
              </dd>
              <dt>{t('queue.waitingInTier')}</dt>
              <dd>{format.number(tier.waiting)}</dd>
              <dt>{t('queue.estimatedWait')}</dt>
              <dd>
                {mine.estimatedWaitSeconds === null
                  ? t('queue.noEstimate')
                  : format.seconds(mine.estimatedWaitSeconds)}
              </dd>
              <dt>{t('queue.workers')}</dt>
              <dd>{format.number(info.data?.workers ?? 0)}</dd>
            </dl>
          )}
        </section>
        <section className="card stack" aria-labelledby="queue-jobs">
          <h2 id="queue-jobs">{t('queue.jobs')}</h2>
          {jobs.isPending ? (
            <Spinner />
          ) : jobs.error ? (
            <ErrorNotice error={jobs.error} />
          ) : jobs.data.running.length + jobs.data.queued.length === 0 ? (
            <EmptyState>
              {t('queue.empty')} <Link to="/generate">{t('nav.generate')}</Link>
            </EmptyState>
          ) : (
            <ol className="job-list">
              {jobs.data.running.map((job) => (
                <JobRow key={job.id} job={job} label={t('generate.status.running')} />
              ))}
              {jobs.data.queued.map((job) => {
                const place = mine?.queued.find((q) => q.id === job.id);
                return (
                  <JobRow
                    key={job.id}
                    job={job}
                    label={
                      place
                        ? t('queue.position', { position: place.position })
                        : t('queue.positionUnknown')
                    }
                    wait={
                      place?.estimatedWaitSeconds == null
                        ? undefined
                        : t('queue.jobWait', { wait: format.seconds(place.estimatedWaitSeconds) })
                    }
                  />
                );
              })}
            </ol>
          )}
        </section>
      </div>
    </Page>
  );
}

function JobRow({ job, label, wait }: { job: Generation; label: string; wait?: string }) {
  const { t } = useTranslation();
  return (
    <li className="job">
      <div className="row-between">
        <span className="recent-prompt">{job.prompt}</span>
        <span className={`status status-${job.status}`}>{label}</span>
      </div>
      <ProgressBar
        value={job.progress.step}
        max={job.progress.steps}
        label={t('generate.progressLabel')}
      />
      <p className="muted">
        {t('generate.steps', { step: job.progress.step, steps: job.progress.steps })}
        {wait ? ` · ${wait}` : null}
      </p>
    </li>
  );
}
