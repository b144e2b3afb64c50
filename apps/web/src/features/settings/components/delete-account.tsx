import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { ErrorNotice } from '@/components/error-notice';
import { Field } from '@/components/field';
import { isApiError } from '@/lib/errors';
import { session } from '@/lib/session';
import type { Me } from '@/types/api';
import { useDeleteAccount } from '../api/settings';
import { confirmsDeletion } from '../delete-confirmation';

export function DeleteAccount({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <section className="card stack danger-zone" aria-labelledby="delete-title">
      <h2 id="delete-title">{t('settings.delete.title')}</h2>
      <p>{t('settings.delete.body')}</p>
      <div className="row">
        <Button variant="danger" onClick={() => setOpen(true)}>
          {t('settings.delete.open')}
        </Button>
      </div>
      {open && <DeleteDialog email={me.email} onClose={() => setOpen(false)} />}
    </section>
  );
}

/**
 * The password, and the address typed out: deleting cannot be undone, so the button waits
 * until the phrase matches. After the 202 the browser signs out and says goodbye.
 */
function DeleteDialog({ email, onClose }: { email: string; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const remove = useDeleteAccount();
  const [password, setPassword] = useState('');
  const [phrase, setPhrase] = useState('');
  const matches = confirmsDeletion(phrase, email);
  const wrongPassword = isApiError(remove.error, 'WRONG_PASSWORD');

  return (
    <Dialog open title={t('settings.delete.dialogTitle')} onClose={onClose}>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (!matches || !password) return;
          remove.mutate(password, {
            onSuccess: async () => {
              // Leave the signed-in screens first, so signing out does not bounce to sign-in.
              await navigate('/goodbye', { replace: true });
              await session.signOut();
            },
          });
        }}
      >
        <p>{t('settings.delete.warning')}</p>
        <Field
          label={t('settings.currentPassword')}
          error={wrongPassword ? t('errors.WRONG_PASSWORD') : undefined}
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="password"
              autoComplete="current-password"
              aria-describedby={describedBy}
              aria-invalid={invalid}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('settings.delete.phraseLabel', { phrase: email })}
          hint={t('settings.delete.phraseHint')}
        >
          {({ id, describedBy }) => (
            <input
              id={id}
              autoComplete="off"
              spellCheck={false}
              aria-describedby={describedBy}
              value={phrase}
              onChange={(e) => setPhrase(e.target.value)}
            />
          )}
        </Field>
        {!wrongPassword && <ErrorNotice error={remove.error} />}
        <div className="row">
          <Button
            type="submit"
            variant="danger"
            busy={remove.isPending}
            disabled={!matches || !password}
          >
            {t('settings.delete.submit')}
          </Button>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Dialog>
  );
}
