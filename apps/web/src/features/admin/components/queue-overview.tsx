import { TIERS } from '@pingvas/contracts';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '@/components/error-notice';
import { Spinner } from '@/components/spinner';
import { useFormat } from '@/lib/format';
import { useQueueOverview } from '../api/admin';

/** Every tier's waiting and running jobs and its dispatch weight, live. */
export function QueueOverview() {
  const { t } = useTranslation();
  const format = useFormat();
  const queue = useQueueOverview();
  return (
    <section className="card stack" aria-labelledby="overview-title">
      <h2 id="overview-title">{t('admin.queue')}</h2>
      {queue.error ? (
        <ErrorNotice error={queue.error} />
      ) : !queue.data ? (
        <Spinner />
      ) : (
        <>
          <p>{t('admin.workers', { count: queue.data.workers })}</p>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('admin.tier')}</th>
                  <th scope="col" className="num">
                    {t('admin.waiting')}
                  </th>
                  <th scope="col" className="num">
                    {t('admin.running')}
                  </th>
                  <th scope="col" className="num">
                    {t('admin.weight')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {TIERS.map((tier) => (
                  <tr key={tier}>
                    <th scope="row">{tier}</th>
                    <td className="num">{format.number(queue.data.tiers[tier].waiting)}</td>
                    <td className="num">{format.number(queue.data.tiers[tier].running)}</td>
                    <td className="num">{queue.data.tiers[tier].weight}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
