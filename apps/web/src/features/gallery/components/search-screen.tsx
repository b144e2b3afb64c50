import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Page } from '@/components/page';
import { useSearchPages } from '../api/images';
import { useFilters } from '../hooks/use-filters';
import { GalleryFilters } from './gallery-filters';
import { ImageResults } from './image-results';
import { SearchBox } from './search-box';

export function SearchScreen() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [filters, setFilters] = useFilters();
  const q = params.get('q') ?? '';
  const query = useSearchPages(q, filters);
  const search = (next: string) =>
    setParams((current) => {
      const out = new URLSearchParams(current);
      if (next) out.set('q', next);
      else out.delete('q');
      return out;
    });
  return (
    <Page title={t('search.title')}>
      <div className="stack">
        <SearchBox initial={q} onSearch={search} />
        <p className="muted">
          {t('search.hint')} <span lang="ko">ㄱㅇㅇ</span>
        </p>
        <GalleryFilters filters={filters} onChange={setFilters} />
        {q && <ImageResults query={query} empty={t('search.empty', { q })} />}
      </div>
    </Page>
  );
}
