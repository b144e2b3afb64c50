import { type RefObject, useLayoutEffect, useState } from 'react';

const MIN_TILE = 150;
const GAP = 8;

/** Columns that fit the grid's width (two on a 360 px phone), and the tile size they give. */
export function useColumns(ref: RefObject<HTMLElement | null>) {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(entry.contentRect.width));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  const columns = Math.max(2, Math.floor((width + GAP) / (MIN_TILE + GAP)));
  const tile = width > 0 ? (width - GAP * (columns - 1)) / columns : MIN_TILE;
  return { columns, tile, gap: GAP, ready: width > 0 };
}
