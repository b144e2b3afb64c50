import { useTranslation } from 'react-i18next';
import { Button } from '@/components/button';
import { EmptyState } from '@/components/empty-state';
import { ErrorNotice } from '@/components/error-notice';
import { Spinner } from '@/components/spinner';
import { useFormat } from '@/lib/format';
import { useLedger } from '../api/credits';

const KINDS = new Set([
  'open',
  'reserve',
  'capture',
  'release',
  'expire',
  'admin_grant',
  'subscription_grant',
  'pack_purchase',
  'refund',
]);

/** The credit history, newest first, twenty rows a page. */
export function LedgerTable() {
  const { t } = useTranslation();
  const format = useFormat();
  const ledger = useLedger();
  const rows = ledger.data?.pages.flatMap((page) => page.items) ?? [];
  const signed = (n: number) => (n > 0 ? `+${format.number(n)}` : n === 0 ? '0' : format.number(n));
  return (
    <section className="card stack" aria-labelledby="ledger-title">
      <h2 id="ledger-title">{t('creditsPage.ledger')}</h2>
      {ledger.isPending ? (
        <Spinner />
      ) : ledger.error ? (
        <ErrorNotice error={ledger.error} />
      ) : rows.length === 0 ? (
        <EmptyState>{t('creditsPage.ledgerEmpty')}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('creditsPage.when')}</th>
                <th scope="col">{t('creditsPage.kind')}</th>
                <th scope="col" className="num">
                  {t('creditsPage.available')}
                </th>
                <th scope="col" className="num">
                  {t('creditsPage.held')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td>{format.dateTime(row.createdAt)}</td>
                  <td>
                    {KINDS.has(row.kind) ? t(`creditsPage.kinds.${row.kind as 'open'}`) : row.kind}
                  </td>
                  <td className="num">{signed(row.availableDelta)}</td>
                  <td className="num">{signed(row.reservedDelta)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {ledger.hasNextPage && (
        <Button busy={ledger.isFetchingNextPage} onClick={() => void ledger.fetchNextPage()}>
          {t('common.loadMore')}
        </Button>
      )}
    </section>
  );
}
