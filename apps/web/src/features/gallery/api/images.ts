import {
  type InfiniteData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { GalleryImage, Page } from '@/types/api';

/** The filters listing and search share (README: Gallery and search). */
export interface ImageFilters {
  boardId?: string;
  starred?: boolean;
  modelId?: string;
}

const PAGE_SIZE = 60;
/** Signed URLs last 10 minutes: pages older than this are fetched again before they lapse. */
const URL_FRESH_MS = 5 * 60_000;

function filterQuery(filters: ImageFilters) {
  return {
    boardId: filters.boardId,
    starred: filters.starred ? true : undefined,
    modelId: filters.modelId,
  };
}

export function useImagePages(filters: ImageFilters) {
  return useInfiniteQuery({
    queryKey: [...queryKeys.images, 'list', filters],
    queryFn: ({ pageParam, signal }) =>
      api<Page<GalleryImage>>('/images', {
        signal,
        query: { ...filterQuery(filters), limit: PAGE_SIZE, cursor: pageParam },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: URL_FRESH_MS,
  });
}

export function useSearchPages(q: string, filters: ImageFilters) {
  return useInfiniteQuery({
    queryKey: [...queryKeys.images, 'search', q, filters],
    queryFn: ({ pageParam, signal }) =>
      api<Page<GalleryImage>>('/search/images', {
        signal,
        query: { ...filterQuery(filters), q, limit: PAGE_SIZE, cursor: pageParam },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: q.trim().length > 0,
    staleTime: URL_FRESH_MS,
  });
}

export function useSuggestions(q: string) {
  return useQuery({
    queryKey: [...queryKeys.search, 'suggest', q],
    queryFn: ({ signal }) => api<{ items: string[] }>('/search/suggest', { signal, query: { q } }),
    enabled: q.trim().length > 0,
    staleTime: 30_000,
    placeholderData: (previous) => previous,
  });
}

export function useImage(id: string) {
  return useQuery({
    queryKey: queryKeys.image(id),
    queryFn: ({ signal }) => api<GalleryImage>(`/images/${id}`, { signal }),
    staleTime: URL_FRESH_MS,
  });
}

type Pages = InfiniteData<Page<GalleryImage>>;

/** Star or move one image; the grids show the change at once and settle with the server. */
export function useUpdateImage() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({
      id,
      patch,
    }: {
      id: string;
      patch: { starred?: boolean; boardId?: string | null };
    }) => api<GalleryImage>(`/images/${id}`, { method: 'PATCH', body: patch }),
    onMutate: async ({ id, patch }) => {
      await client.cancelQueries({ queryKey: queryKeys.images });
      client.setQueriesData<Pages>(
        { queryKey: [...queryKeys.images, 'list'] },
        (data) =>
          data && {
            ...data,
            pages: data.pages.map((page) => ({
              ...page,
              items: page.items.map((item) => (item.id === id ? { ...item, ...patch } : item)),
            })),
          },
      );
    },
    onSuccess: (image) => client.setQueryData(queryKeys.image(image.id), image),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.images });
      void client.invalidateQueries({ queryKey: queryKeys.boards });
    },
  });
}

/** Move several images to a board (or none): one PATCH each, the API has no bulk move. */
export function useMoveImages() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ ids, boardId }: { ids: string[]; boardId: string | null }) => {
      for (const id of ids) await api(`/images/${id}`, { method: 'PATCH', body: { boardId } });
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.images });
      void client.invalidateQueries({ queryKey: queryKeys.boards });
    },
  });
}

export function useDeleteImages() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) =>
      api<{ deleted: string[]; notFound: string[] }>('/images/delete', {
        method: 'POST',
        body: { ids },
      }),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.images });
      void client.invalidateQueries({ queryKey: queryKeys.boards });
    },
  });
}
