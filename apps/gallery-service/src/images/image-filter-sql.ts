import type { ImageFilters } from './image-row';

/**
 * Adds the filters shared by listing and search to `where` (owner and liveness are always
 * there). `params` grows with each value; placeholders follow its length.
 */
export function filterSql(filters: ImageFilters, params: unknown[]): string[] {
  const where: string[] = [];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filters.boardId === 'none') where.push(`"board_id" IS NULL`);
  else if (filters.boardId) add((n) => `"board_id" = ${n}`, filters.boardId);
  if (filters.starred !== undefined) add((n) => `"starred" = ${n}`, filters.starred);
  if (filters.modelId) add((n) => `"model_id" = ${n}`, filters.modelId);
  if (filters.from) add((n) => `"created_at" >= ${n}`, filters.from);
  if (filters.to) add((n) => `"created_at" < ${n}`, filters.to);
  return where;
}
