/**
 * Search over a user's images behind one port (DESIGN §8), with two adapters held to the same
 * behaviour suite: PostgreSQL (pg_trgm, the embedded default) and Elasticsearch (Nori). Results
 * are image ids, ranked; the caller loads the rows, so an image deleted a moment ago is never
 * shown even before the index has caught up.
 */

/** What the index holds of one image (built from the gallery's own row). */
export interface SearchDocument {
  id: string;
  ownerId: string;
  prompt: string;
  negativePrompt: string | null;
  modelId: string;
  modelName: string;
  boardId: string | null;
  starred: boolean;
  /** ISO 8601. */
  createdAt: string;
}

export interface SearchFilters {
  /** A board id, or 'none' for images on no board. */
  boardId?: string;
  starred?: boolean;
  modelId?: string;
  /** ISO 8601, inclusive. */
  from?: string;
  /** ISO 8601, exclusive. */
  to?: string;
}

export interface SearchRequest extends SearchFilters {
  ownerId: string;
  /** Trimmed, 1-200 characters. */
  q: string;
  limit: number;
  /** Opaque: a `nextCursor` this adapter gave out. */
  cursor?: string;
}

export interface SearchPage {
  /** Image ids, most relevant first, then newest. */
  ids: string[];
  nextCursor: string | null;
}

export type SearchBackend = 'postgres' | 'elasticsearch';

export abstract class ImageSearch {
  abstract readonly backend: SearchBackend;

  /** True when the backend reads the database itself, so changes need no indexing job. */
  readonly followsDatabase: boolean = false;

  /** Creates or updates these documents (idempotent). */
  abstract index(docs: SearchDocument[]): Promise<void>;

  /** Removes these images from the index (absent ones are ignored). */
  abstract remove(ids: string[]): Promise<void>;

  /**
   * Removes every document of the owner, whatever the database still says (an erased
   * account). A backend that reads the database itself has nothing to remove.
   */
  async removeOwner(_ownerId: string): Promise<void> {}

  /** One page of the owner's images matching `q` and the filters. */
  abstract search(request: SearchRequest): Promise<SearchPage>;

  /** Up to `limit` distinct prompts of the owner's that complete `prefix`. */
  abstract suggest(ownerId: string, prefix: string, limit: number): Promise<string[]>;

  /** Rejects when the backend cannot answer (for `/ready`). */
  abstract ping(): Promise<void>;

  /**
   * Rebuilds the whole index from `batches` (every live image) with no downtime where the
   * backend needs it; answers how many documents were indexed.
   */
  abstract rebuild(batches: AsyncIterable<SearchDocument[]>): Promise<{ indexed: number }>;

  /** Lets go of connections of its own (a one-off command ends promptly). */
  async close(): Promise<void> {}
}
