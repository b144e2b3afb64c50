import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import type { Board } from '@/types/api';

export function useBoards() {
  return useQuery({
    queryKey: queryKeys.boards,
    queryFn: ({ signal }) => api<{ items: Board[] }>('/boards', { signal }).then((r) => r.items),
  });
}

function useBoardMutation<V>(fn: (vars: V) => Promise<unknown>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.boards });
      void client.invalidateQueries({ queryKey: queryKeys.images });
    },
  });
}

export const useCreateBoard = () =>
  useBoardMutation((name: string) => api<Board>('/boards', { method: 'POST', body: { name } }));

export const useRenameBoard = () =>
  useBoardMutation(({ id, name }: { id: string; name: string }) =>
    api<Board>(`/boards/${id}`, { method: 'PATCH', body: { name } }),
  );

export const useDeleteBoard = () =>
  useBoardMutation(({ id, includeImages }: { id: string; includeImages: boolean }) =>
    api(`/boards/${id}`, {
      method: 'DELETE',
      query: { includeImages: includeImages || undefined },
    }),
  );
