import type { ImageRow } from '../images/image-row';
import type { SearchDocument } from './image-search';

/** What the index holds of an image, built from the gallery's own row. */
export function searchDocument(row: ImageRow): SearchDocument {
  return {
    id: row.id,
    ownerId: row.ownerId,
    prompt: row.prompt,
    negativePrompt: row.negativePrompt,
    modelId: row.modelId,
    modelName: row.modelName,
    boardId: row.boardId,
    starred: row.starred,
    createdAt: row.createdAt.toISOString(),
  };
}
