import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { ErrorNotice } from '@/components/error-notice';
import { SelectField } from '@/components/select-field';
import { useFormat } from '@/lib/format';
import type { Plan, Subscription } from '@/types/api';
import {
  useBillingPortal,
  useCancelSubscription,
  useChangePlan,
  useResumeSubscription,
} from '../api/credits';
import { isCancelled, otherPaidPlans } from '../subscription-state';

interface PanelProps {
  subscription: Subscription;
  plans: Plan[];
  onChangePlan: (plan: Plan) => void;
}

/** The subscription: plan, when it renews or ends, and cancel, resume, change, billing. */
export function SubscriptionPanel({ subscription, plans, onChangePlan }: PanelProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const resume = useResumeSubscription();
  const portal = useBillingPortal();
  const cancelled = isCancelled(subscription);
  const plan = plans.find((p) => p.planId === subscription.planId);
  const others = otherPaidPlans(plans, subscription.planId);
  const [target, setTarget] = useState('');
  const chosen = others.find((p) => p.planId === target) ?? others[0];

  return (
    <section className="card stack" aria-labelledby="subscription-title">
      <h2 id="subscription-title">{t('subscription.title')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('subscription.plan')}</dt>
          <dd>{plan?.name ?? subscription.planId}</dd>
        </div>
        <div>
          <dt>{t('subscription.state')}</dt>
          <dd>{cancelled ? t('subscription.cancelled') : t('subscription.active')}</dd>
        </div>
        {cancelled && subscription.endsAt && (
          <div>
            <dt>{t('subscription.endsAt')}</dt>
            <dd>{format.dateTime(subscription.endsAt)}</dd>
          </div>
        )}
        {!cancelled && subscription.renewsAt && (
          <div>
            <dt>{t('subscription.renewsAt')}</dt>
            <dd>{format.dateTime(subscription.renewsAt)}</dd>
          </div>
        )}
      </dl>
      {cancelled && (
        <p className="notice notice-warn" role="status">
          {subscription.endsAt
            ? t('subscription.cancelledUntil', { date: format.dateTime(subscription.endsAt) })
            : t('subscription.cancelledNoDate')}
        </p>
      )}
      <ErrorNotice error={resume.error ?? portal.error} />
      <div className="row">
        {cancelled ? (
          <Button variant="primary" busy={resume.isPending} onClick={() => resume.mutate()}>
            {t('subscription.resume')}
          </Button>
        ) : (
          <Button variant="danger" onClick={() => setConfirmCancel(true)}>
            {t('subscription.cancel')}
          </Button>
        )}
        <Button busy={portal.isPending} onClick={() => portal.mutate()}>
          {t('subscription.portal')}
        </Button>
      </div>
      {!cancelled && chosen && (
        <form
          className="row change-plan"
          onSubmit={(e) => {
            e.preventDefault();
            onChangePlan(chosen);
          }}
        >
          <SelectField
            label={t('subscription.changeTo')}
            value={chosen.planId}
            onChange={(e) => setTarget(e.target.value)}
          >
            {others.map((p) => (
              <option key={p.planId} value={p.planId}>
                {t('subscription.planOption', {
                  plan: p.name,
                  price: format.usd(p.priceCents),
                })}
              </option>
            ))}
          </SelectField>
          <Button type="submit">{t('subscription.change')}</Button>
        </form>
      )}
      {confirmCancel && (
        <CancelDialog subscription={subscription} onClose={() => setConfirmCancel(false)} />
      )}
    </section>
  );
}

function CancelDialog({
  subscription,
  onClose,
}: {
  subscription: Subscription;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const cancel = useCancelSubscription();
  const until = subscription.renewsAt ?? subscription.endsAt;
  return (
    <Dialog open title={t('subscription.cancelTitle')} onClose={onClose}>
      <div className="stack">
        <p>
          {until
            ? t('subscription.cancelBody', { date: format.dateTime(until) })
            : t('subscription.cancelBodyNoDate')}
        </p>
        <ErrorNotice error={cancel.error} />
        <div className="row">
          <Button
            variant="danger"
            busy={cancel.isPending}
            onClick={() => cancel.mutate(undefined, { onSuccess: onClose })}
          >
            {t('subscription.cancelConfirm')}
          </Button>
          <Button onClick={onClose}>{t('subscription.keep')}</Button>
        </div>
      </div>
    </Dialog>
  );
}

/** Moving to another paid plan, confirmed: Lemon Squeezy prorates what is charged. */
export function ChangePlanDialog({
  from,
  to,
  onClose,
}: {
  from: string;
  to: Plan;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const change = useChangePlan();
  return (
    <Dialog open title={t('subscription.changeTitle')} onClose={onClose}>
      <div className="stack">
        <p>
          {t('subscription.changeBody', {
            from,
            to: to.name,
            price: format.usd(to.priceCents),
          })}
        </p>
        <ErrorNotice error={change.error} />
        <div className="row">
          <Button
            variant="primary"
            busy={change.isPending}
            onClick={() => change.mutate(to.planId, { onSuccess: onClose })}
          >
            {t('subscription.changeConfirm', { plan: to.name })}
          </Button>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
        </div>
      </div>
    </Dialog>
  );
}
