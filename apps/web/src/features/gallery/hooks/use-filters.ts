import { useSearchParams } from 'react-router';
import type { ImageFilters } from '../api/images';

/** The grid's filters live in the URL: a reload or a shared link shows the same images. */
export function useFilters(): [ImageFilters, (next: ImageFilters) => void] {
  const [params, setParams] = useSearchParams();
  const filters: ImageFilters = {
    boardId: params.get('board') ?? undefined,
    starred: params.get('starred') === '1' || undefined,
    modelId: params.get('model') ?? undefined,
  };
  const set = (next: ImageFilters) =>
    setParams(
      (current) => {
        const out = new URLSearchParams(current);
        const put = (key: string, value: string | undefined) =>
          value ? out.set(key, value) : out.delete(key);
        put('board', next.boardId);
        put('starred', next.starred ? '1' : undefined);
        put('model', next.modelId);
        return out;
      },
      { replace: true },
    );
  return [filters, set];
}
