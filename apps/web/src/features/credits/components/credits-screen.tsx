import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { Page } from '@/components/page';
import { Spinner } from '@/components/spinner';
import { useBalance, useCatalogue, useCurrentUser } from '@/lib/account';
import { useFormat } from '@/lib/format';
import type { Plan } from '@/types/api';
import { useCheckout, useSubscription } from '../api/credits';
import { LedgerTable } from './ledger-table';
import { isLive } from '../subscription-state';
import { ChangePlanDialog, SubscriptionPanel } from './subscription-panel';

const STATUSES = new Set([
  'active',
  'on_trial',
  'paused',
  'past_due',
  'unpaid',
  'cancelled',
  'expired',
]);

export function CreditsScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const balance = useBalance();
  const catalogue = useCatalogue();
  const subscription = useSubscription();
  const checkout = useCheckout();
  const pending = checkout.isPending ? checkout.variables : undefined;
  const current = balance.data?.plan.planId;
  const user = useCurrentUser();
  const [changeTo, setChangeTo] = useState<Plan | null>(null);
  const live = isLive(subscription.data) ? subscription.data : undefined;
  const planName = (planId: string) =>
    catalogue.data?.plans.find((p) => p.planId === planId)?.name ?? planId;
  const subscriptionText = (status: string) =>
    STATUSES.has(status)
      ? t(`creditsPage.subscriptionStatus.${status as 'active'}`)
      : t('creditsPage.subscriptionStatus.other', { status });

  return (
    <Page title={t('creditsPage.title')}>
      <div className="stack">
        <section className="card" aria-labelledby="balance-title">
          <h2 id="balance-title">{t('creditsPage.balance')}</h2>
          {balance.data ? (
            <div className="balance-row">
              <p className="balance-big" data-testid="balance">
                {t('credits.short', { amount: format.number(balance.data.available) })}
              </p>
              <p className="muted">
                {t('creditsPage.reserved', { amount: format.number(balance.data.reserved) })}
              </p>
              <p>
                {t('creditsPage.currentPlan', { plan: balance.data.plan.name })}
                {subscription.data && subscription.data.status !== 'none' && (
                  <> · {subscriptionText(subscription.data.status)}</>
                )}
              </p>
              {user && <p className="muted">{t('creditsPage.accountId', { id: user.id })}</p>}
            </div>
          ) : (
            <ErrorNotice error={balance.error} />
          )}
        </section>

        {live && (
          <SubscriptionPanel
            subscription={live}
            plans={catalogue.data?.plans ?? []}
            onChangePlan={setChangeTo}
          />
        )}

        <section aria-labelledby="plans-title" className="stack">
          <h2 id="plans-title">{t('creditsPage.plans')}</h2>
          <ErrorNotice error={checkout.error} />
          {!catalogue.data ? (
            <Spinner />
          ) : (
            <div className="plan-grid">
              {catalogue.data.plans.map((plan) => (
                <article
                  key={plan.planId}
                  className={plan.planId === current ? 'card plan current' : 'card plan'}
                >
                  <h3>{plan.name}</h3>
                  <p className="plan-price">
                    {plan.priceCents === 0
                      ? t('creditsPage.free')
                      : t('creditsPage.perMonth', { price: format.usd(plan.priceCents) })}
                  </p>
                  <ul className="plan-facts">
                    <li>
                      {t('creditsPage.monthlyCredits', {
                        amount: format.number(plan.monthlyCredits),
                      })}
                    </li>
                    <li>{t('creditsPage.maxSide', { max: plan.limits.maxSide })}</li>
                    <li>
                      {t('creditsPage.perGeneration', { max: plan.limits.maxImagesPerGeneration })}
                    </li>
                    <li>{t('creditsPage.inFlight', { max: plan.limits.maxJobsInFlight })}</li>
                    <li>{t('creditsPage.weight', { weight: plan.limits.queueWeight })}</li>
                  </ul>
                  {plan.planId === current ? (
                    <p className="badge">{t('creditsPage.yourPlan')}</p>
                  ) : live && plan.priceCents > 0 ? (
                    // A subscriber changes the plan they have rather than buying a second one.
                    <Button onClick={() => setChangeTo(plan)}>
                      {t('subscription.changeToNamed', { plan: plan.name })}
                    </Button>
                  ) : plan.priceCents > 0 ? (
                    <Button
                      variant="primary"
                      busy={
                        pending !== undefined &&
                        'planId' in pending &&
                        pending.planId === plan.planId
                      }
                      onClick={() => checkout.mutate({ planId: plan.planId })}
                    >
                      {t('creditsPage.choosePlan', { plan: plan.name })}
                    </Button>
                  ) : null}
                </article>
              ))}
            </div>
          )}
        </section>

        <section aria-labelledby="packs-title" className="stack">
          <h2 id="packs-title">{t('creditsPage.packs')}</h2>
          <div className="plan-grid">
            {(catalogue.data?.packs ?? []).map((pack) => (
              <article key={pack.id} className="card plan">
                <h3>{t('creditsPage.packName', { amount: format.number(pack.credits) })}</h3>
                <p className="plan-price">{format.usd(pack.priceCents)}</p>
                <Button
                  busy={pending !== undefined && 'packId' in pending && pending.packId === pack.id}
                  onClick={() => checkout.mutate({ packId: pack.id })}
                >
                  {t('creditsPage.buyPack', { amount: format.number(pack.credits) })}
                </Button>
              </article>
            ))}
          </div>
        </section>

        <LedgerTable />
      </div>
      {changeTo && live && (
        <ChangePlanDialog
          from={planName(live.planId)}
          to={changeTo}
          onClose={() => setChangeTo(null)}
        />
      )}
    </Page>
  );
}
