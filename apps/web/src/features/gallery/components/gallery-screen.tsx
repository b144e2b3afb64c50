import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Page } from '@/components/page';
import { useImagePages } from '../api/images';
import { useFilters } from '../hooks/use-filters';
import { BoardManager } from './board-manager';
import { GalleryFilters } from './gallery-filters';
import { ImageResults } from './image-results';

export function GalleryScreen() {
  const { t } = useTranslation();
  const [filters, setFilters] = useFilters();
  const query = useImagePages(filters);
  return (
    <Page
      title={t('gallery.title')}
      actions={
        <Link to="/search" className="btn">
          {t('nav.search')}
        </Link>
      }
    >
      <div className="gallery-layout">
        <aside>
          <BoardManager onOpen={(boardId) => setFilters({ boardId })} />
        </aside>
        <div className="stack">
          <GalleryFilters filters={filters} onChange={setFilters} />
          <ImageResults query={query} empty={t('gallery.empty')} />
        </div>
      </div>
    </Page>
  );
}
