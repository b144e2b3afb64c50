import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '@/components/empty-state';
import { ErrorNotice } from '@/components/error-notice';
import { Spinner } from '@/components/spinner';
import type { GalleryImage, Page } from '@/types/api';
import { useUpdateImage } from '../api/images';
import { ImageGrid } from './image-grid';
import { SelectionBar } from './selection-bar';

type PagesQuery = UseInfiniteQueryResult<InfiniteData<Page<GalleryImage>>>;

/** A grid of images from cursor pages (the gallery or a search), with selection and stars. */
export function ImageResults({ query, empty }: { query: PagesQuery; empty: string }) {
  const { t } = useTranslation();
  const update = useUpdateImage();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const images = query.data?.pages.flatMap((page) => page.items) ?? [];
  const { fetchNextPage } = query;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  if (query.isPending && query.fetchStatus !== 'idle') return <Spinner />;
  if (query.error) return <ErrorNotice error={query.error} />;
  if (images.length === 0) return query.data ? <EmptyState>{empty}</EmptyState> : null;
  return (
    <div className="stack">
      <p className="muted" aria-live="polite">
        {query.hasNextPage
          ? t('gallery.countMore', { count: images.length })
          : t('gallery.count', { count: images.length })}
      </p>
      <SelectionBar
        ids={[...selected].filter((id) => images.some((i) => i.id === id))}
        onDone={() => setSelected(new Set())}
      />
      <ErrorNotice error={update.error} />
      <ImageGrid
        images={images}
        selected={selected}
        onToggleSelect={toggle}
        onToggleStar={(image) =>
          update.mutate({ id: image.id, patch: { starred: !image.starred } })
        }
        hasMore={query.hasNextPage}
        loadingMore={query.isFetchingNextPage}
        onLoadMore={loadMore}
      />
      {query.isFetchingNextPage && <Spinner />}
    </div>
  );
}
