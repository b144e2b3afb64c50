import { useTranslation } from 'react-i18next';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { Spinner } from '@/components/spinner';
import { useModels } from '@/lib/account';
import { useUpdateModel } from '../api/admin';
import { RegisterModelForm } from './register-model-form';

export function ModelsPanel() {
  const { t } = useTranslation();
  const models = useModels();
  const update = useUpdateModel();
  return (
    <section className="card stack" aria-labelledby="models-title">
      <h2 id="models-title">{t('admin.models')}</h2>
      {models.isPending ? (
        <Spinner />
      ) : models.error ? (
        <ErrorNotice error={models.error} />
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.modelName')}</th>
                <th scope="col">{t('admin.status')}</th>
                <th scope="col">{t('admin.minTier')}</th>
                <th scope="col">{t('admin.cost')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {models.data.map((m) => (
                <tr key={m.id}>
                  <td>
                    {m.name} {m.isDefault && <span className="badge">{t('admin.default')}</span>}
                  </td>
                  <td>
                    {m.status === 'validated' ? t('admin.validated') : t('admin.failed')} ·{' '}
                    {m.enabled ? t('admin.enabled') : t('admin.disabled')}
                    {m.problems.length > 0 && (
                      <ul className="problems">
                        {m.problems.map((p) => (
                          <li key={p}>
                            <code>{p}</code>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>{m.minTier}</td>
                  <td>
                    {t('admin.costValue', { perImage: m.cost.perImage, perStep: m.cost.perStep })}
                  </td>
                  <td>
                    <div className="row">
                      <Button
                        onClick={() => update.mutate({ id: m.id, patch: { enabled: !m.enabled } })}
                        aria-label={t(m.enabled ? 'admin.disableNamed' : 'admin.enableNamed', {
                          name: m.name,
                        })}
                        disabled={m.isDefault && m.enabled}
                      >
                        {m.enabled ? t('admin.disable') : t('admin.enable')}
                      </Button>
                      {!m.isDefault && m.status === 'validated' && (
                        <Button
                          onClick={() => update.mutate({ id: m.id, patch: { isDefault: true } })}
                          aria-label={t('admin.makeDefaultNamed', { name: m.name })}
                        >
                          {t('admin.makeDefault')}
                        </Button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorNotice error={update.error} />
      <RegisterModelForm />
    </section>
  );
}
