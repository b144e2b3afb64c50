import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { EmptyState } from '@/components/empty-state';
import { ErrorNotice } from '@/components/error-notice';
import { Field } from '@/components/field';
import { Page } from '@/components/page';
import { Spinner } from '@/components/spinner';
import { useFormat } from '@/lib/format';
import type { ApiKey } from '@/types/api';
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from '../api/api-keys';

const MAX_NAME = 100;

export function ApiKeysScreen() {
  const { t } = useTranslation();
  const format = useFormat();
  const keys = useApiKeys();
  const create = useCreateApiKey();
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string>();
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return setNameError(t('apiKeys.nameRequired'));
    if (trimmed.length > MAX_NAME) return setNameError(t('apiKeys.nameTooLong', { max: MAX_NAME }));
    setNameError(undefined);
    create.mutate(trimmed, { onSuccess: () => setName('') });
  };

  return (
    <Page title={t('apiKeys.title')}>
      <div className="stack">
        <p className="muted">{t('apiKeys.intro')}</p>
        <form className="card row board-create" onSubmit={submit} noValidate>
          <Field label={t('apiKeys.name')} error={nameError} hint={t('apiKeys.nameHint')}>
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                value={name}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                onChange={(e) => setName(e.target.value)}
              />
            )}
          </Field>
          <Button type="submit" variant="primary" busy={create.isPending}>
            {t('apiKeys.create')}
          </Button>
        </form>
        <ErrorNotice error={create.error} />
        {create.data && <NewSecret secret={create.data.secret} name={create.data.name} />}
        <section className="card stack" aria-labelledby="keys-title">
          <h2 id="keys-title">{t('apiKeys.list')}</h2>
          {keys.isPending ? (
            <Spinner />
          ) : keys.error ? (
            <ErrorNotice error={keys.error} />
          ) : keys.data.length === 0 ? (
            <EmptyState>{t('apiKeys.empty')}</EmptyState>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('apiKeys.name')}</th>
                    <th scope="col">{t('apiKeys.prefix')}</th>
                    <th scope="col">{t('apiKeys.created')}</th>
                    <th scope="col">{t('apiKeys.lastUsed')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('apiKeys.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {keys.data.map((key) => (
                    <tr key={key.id}>
                      <td>{key.name}</td>
                      <td>
                        <code>{key.prefix}…</code>
                      </td>
                      <td>{format.dateTime(key.createdAt)}</td>
                      <td>
                        {key.lastUsedAt ? format.dateTime(key.lastUsedAt) : t('apiKeys.never')}
                      </td>
                      <td>
                        <Button
                          variant="danger"
                          onClick={() => setRevoking(key)}
                          aria-label={t('apiKeys.revokeNamed', { name: key.name })}
                        >
                          {t('apiKeys.revoke')}
                        </Button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
      {revoking && <RevokeDialog apiKey={revoking} onClose={() => setRevoking(null)} />}
    </Page>
  );
}

/** The secret, once: the API never shows it again. */
function NewSecret({ secret, name }: { secret: string; name: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <div className="card notice-ok stack" role="status">
      <strong>{t('apiKeys.createdTitle', { name })}</strong>
      <p>{t('apiKeys.shownOnce')}</p>
      <div className="row">
        <code className="secret" data-testid="api-key-secret">
          {secret}
        </code>
        <Button
          onClick={() =>
            void navigator.clipboard.writeText(secret).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? t('common.copied') : t('common.copy')}
        </Button>
      </div>
    </div>
  );
}

function RevokeDialog({ apiKey, onClose }: { apiKey: ApiKey; onClose: () => void }) {
  const { t } = useTranslation();
  const revoke = useRevokeApiKey();
  return (
    <Dialog open title={t('apiKeys.revokeTitle')} onClose={onClose}>
      <div className="stack">
        <p>{t('apiKeys.revokeBody', { name: apiKey.name })}</p>
        <ErrorNotice error={revoke.error} />
        <div className="row">
          <Button
            variant="danger"
            busy={revoke.isPending}
            onClick={() => revoke.mutate(apiKey.id, { onSuccess: onClose })}
          >
            {t('apiKeys.revoke')}
          </Button>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
        </div>
      </div>
    </Dialog>
  );
}
