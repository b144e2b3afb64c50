import { useTranslation } from 'react-i18next';
import { useFormat } from '@/lib/format';
import { useRecentGenerations } from '../api/generations';
import { ResultImage } from './result-image';

/** The last few generations and their images, newest first: what this screen made lately. */
export function RecentResults({ exclude }: { exclude: string | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const recent = useRecentGenerations();
  const items = (recent.data?.items ?? []).filter((g) => g.id !== exclude);
  if (items.length === 0) return null;
  return (
    <section className="card" aria-labelledby="recent-title">
      <h2 id="recent-title">{t('generate.recentTitle')}</h2>
      <ul className="recent-list">
        {items.map((g) => (
          <li key={g.id} className="recent-item">
            <div className="row-between">
              <span className="recent-prompt">{g.prompt}</span>
              <span className={`status status-${g.status}`}>
                {t(`generate.status.${g.status}`)}
              </span>
            </div>
            <p className="muted">{format.dateTime(g.createdAt)}</p>
            {g.images.length > 0 && (
              <div className="result-grid">
                {g.images.map((image) => (
                  <ResultImage key={image.id} id={image.id} prompt={g.prompt} />
                ))}
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
