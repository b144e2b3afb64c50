import { useTranslation } from 'react-i18next';
import { useResendVerification } from '@/lib/account';
import { isApiError } from '@/lib/errors';
import { Button } from './button';

/** "Send the link again", then what happened: sent, already verified, or why not. */
export function ResendVerification() {
  const { t } = useTranslation();
  const resend = useResendVerification();
  if (resend.isSuccess || isApiError(resend.error, 'EMAIL_ALREADY_VERIFIED')) {
    return (
      <span role="status">
        {resend.isSuccess ? t('verifyEmail.resent') : t('errors.EMAIL_ALREADY_VERIFIED')}
      </span>
    );
  }
  return (
    <>
      <Button busy={resend.isPending} onClick={() => resend.mutate()}>
        {t('verifyEmail.resend')}
      </Button>
      {resend.isError && (
        <span role="alert">
          {isApiError(resend.error, 'RATE_LIMITED')
            ? t('errors.RATE_LIMITED')
            : t('errors.generic')}
        </span>
      )}
    </>
  );
}
