import { useSearchParams } from 'react-router';
import type { ImageFilters } from '../api/images';

/**
 * The grid's filters live in the URL: a reload or a shared link shows the same images. A
 * change is a patch applied to the URL as it is now (not to the filters of the last render),
 * and is committed at once, so two quick changes never undo each other and a checkbox shows
 * its new state as soon as it is clicked.
 */
export function useFilters(): [ImageFilters, (patch: Partial<ImageFilters>) => void] {
  const [params, setParams] = useSearchParams();
  const filters: ImageFilters = {
    boardId: params.get(KEYS.boardId) ?? undefined,
    starred: params.get(KEYS.starred) === '1' || undefined,
    modelId: params.get(KEYS.modelId) ?? undefined,
  };
  const set = (patch: Partial<ImageFilters>) =>
    setParams(
      (current) => {
        const out = new URLSearchParams(current);
        for (const [field, key] of Object.entries(KEYS) as [keyof ImageFilters, string][]) {
          if (!(field in patch)) continue;
          const value = patch[field];
          if (value === undefined || value === false || value === '') out.delete(key);
          else out.set(key, value === true ? '1' : value);
        }
        return out;
      },
      { replace: true, flushSync: true },
    );
  return [filters, set];
}

const KEYS = { boardId: 'board', starred: 'starred', modelId: 'model' } as const;
