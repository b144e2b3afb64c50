import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { GalleryImage } from '@/types/api';
import { useColumns } from '../hooks/use-columns';

interface ImageGridProps {
  images: GalleryImage[];
  selected: ReadonlySet<string>;
  onToggleSelect: (id: string) => void;
  onToggleStar: (image: GalleryImage) => void;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}

/**
 * Thumbnails in rows, virtualised against the window's scroll: only the rows on screen (and a
 * few around) are in the DOM, so 10,000 images scroll as lightly as 50. Reaching the last
 * rows asks for the next cursor page.
 */
export function ImageGrid(props: ImageGridProps) {
  const { images, hasMore, loadingMore, onLoadMore } = props;
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const { columns, tile, gap } = useColumns(ref);
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => {
    setOffset(ref.current ? ref.current.getBoundingClientRect().top + window.scrollY : 0);
  }, [columns]);
  const rows = Math.ceil(images.length / columns);
  const virtualizer = useWindowVirtualizer({
    count: rows,
    estimateSize: () => tile + gap,
    overscan: 2,
    scrollMargin: offset,
  });
  useEffect(() => {
    virtualizer.measure();
  }, [tile, virtualizer]);
  const items = virtualizer.getVirtualItems();
  const lastRow = items.length > 0 ? items[items.length - 1].index : -1;
  useEffect(() => {
    if (hasMore && !loadingMore && lastRow >= rows - 2) onLoadMore();
  }, [lastRow, rows, hasMore, loadingMore, onLoadMore]);

  return (
    <div
      ref={ref}
      className="image-grid"
      role="list"
      aria-label={t('gallery.gridLabel')}
      aria-busy={loadingMore}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((row) => (
          <div
            key={row.key}
            className="image-row"
            style={{
              position: 'absolute',
              top: 0,
              left: 0,
              width: '100%',
              transform: `translateY(${row.start - virtualizer.options.scrollMargin}px)`,
              gridTemplateColumns: `repeat(${columns}, ${tile}px)`,
              gap,
            }}
          >
            {images.slice(row.index * columns, row.index * columns + columns).map((image) => (
              <Tile key={image.id} image={image} size={tile} {...props} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

function Tile({
  image,
  size,
  selected,
  onToggleSelect,
  onToggleStar,
}: ImageGridProps & { image: GalleryImage; size: number }) {
  const { t } = useTranslation();
  const isSelected = selected.has(image.id);
  return (
    <div role="listitem" className={isSelected ? 'tile selected' : 'tile'} style={{ height: size }}>
      <Link
        to={`/gallery/${image.id}`}
        className="tile-link"
        aria-label={t('gallery.open', { prompt: image.prompt })}
      >
        <img
          src={image.urls.thumbnail}
          alt=""
          loading="lazy"
          decoding="async"
          width={size}
          height={size}
        />
      </Link>
      <label className="tile-select">
        <input type="checkbox" checked={isSelected} onChange={() => onToggleSelect(image.id)} />
        <span className="visually-hidden">{t('gallery.select', { prompt: image.prompt })}</span>
      </label>
      <button
        type="button"
        className="tile-star"
        aria-pressed={image.starred}
        aria-label={t('gallery.star', { prompt: image.prompt })}
        onClick={() => onToggleStar(image)}
      >
        <span aria-hidden="true">{image.starred ? '★' : '☆'}</span>
      </button>
    </div>
  );
}
