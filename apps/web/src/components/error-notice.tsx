import type { ReactNode } from 'react';
import { useErrorText } from '@/lib/errors';

/** An API error in the reader's language, announced, with what to do next when there is one. */
export function ErrorNotice({ error, action }: { error: unknown; action?: ReactNode }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      <span>{text(error)}</span>
      {action}
    </div>
  );
}
