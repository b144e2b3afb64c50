/** An image as the gallery stores it; deleted images are tombstones nobody sees. */
export interface ImageRow {
  id: string;
  ownerId: string;
  generationId: string;
  index: number;
  modelId: string;
  modelName: string;
  prompt: string;
  negativePrompt: string | null;
  seed: number;
  width: number;
  height: number;
  steps: number;
  guidanceScale: number;
  storageKey: string;
  thumbnailKey: string | null;
  bytes: number;
  boardId: string | null;
  starred: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A new image; `promptChosung` is what search keeps of the prompt (SearchSync decides it). */
export type NewImage = Omit<ImageRow, 'updatedAt' | 'starred'> & { promptChosung: string };

export interface ImageFilters {
  /** A board id, or 'none' for images on no board. */
  boardId?: string;
  starred?: boolean;
  modelId?: string;
  from?: Date;
  to?: Date;
}

export interface ListQuery extends ImageFilters {
  order: 'newest' | 'oldest';
  limit: number;
  after?: { createdAt: string; id: string };
}

/** What a board shows of its images: how many are live, and the newest (its cover). */
export interface BoardContents {
  imageCount: number;
  coverImageId: string | null;
}

export function toImageRow(r: Record<string, unknown>): ImageRow {
  return {
    id: String(r.id),
    ownerId: String(r.owner_id),
    generationId: String(r.generation_id),
    index: Number(r.index),
    modelId: String(r.model_id),
    modelName: String(r.model_name),
    prompt: String(r.prompt),
    negativePrompt: (r.negative_prompt as string | null) ?? null,
    seed: Number(r.seed),
    width: Number(r.width),
    height: Number(r.height),
    steps: Number(r.steps),
    guidanceScale: Number(r.guidance_scale),
    storageKey: String(r.storage_key),
    thumbnailKey: (r.thumbnail_key as string | null) ?? null,
    bytes: Number(r.bytes),
    boardId: (r.board_id as string | null) ?? null,
    starred: Boolean(r.starred),
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}
