import type { ReactNode } from 'react';
import { isApiError, useErrorText } from '@/lib/errors';
import { ResendVerification } from './resend-verification';

/**
 * An API error in the reader's language, announced, with what to do next when there is one:
 * an unverified address (checkout, API keys) can have its link sent again from here.
 */
export function ErrorNotice({ error, action }: { error: unknown; action?: ReactNode }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      <span>{text(error)}</span>
      {action ?? (isApiError(error, 'EMAIL_NOT_VERIFIED') && <ResendVerification />)}
    </div>
  );
}
