import { Injectable } from '@nestjs/common';
import { AppError, decodeKeysetCursor, encodeKeysetCursor } from '@pingvas/common';
import { EXPORT_PAGE_DEFAULT, type ImageExportItem } from '@pingvas/contracts';
import { ImageChanges } from './image-changes';
import { BoardOwnership } from './board-ownership';
import type { ImageFiltersDto, ListImagesDto, UpdateImageDto } from './image.dto';
import { ImageFileUrls, type SignedUrls } from './image-files';
import type { ImageFilters, ImageRow } from './image-row';
import { ImagesRepository } from './images.repository';

/** A type alias, not an interface, so that it is also an export row (ApiView: a JSON object). */
export type ImageView = {
  id: string;
  generationId: string;
  index: number;
  prompt: string;
  negativePrompt: string | null;
  model: { id: string; name: string };
  seed: number;
  width: number;
  height: number;
  steps: number;
  guidanceScale: number;
  bytes: number;
  boardId: string | null;
  starred: boolean;
  createdAt: string;
  urls: SignedUrls;
};

export interface ImagePage {
  items: ImageView[];
  nextCursor: string | null;
}

/** The most rows one export page holds, and the default. */

export function filtersOf(query: ImageFiltersDto): ImageFilters {
  return {
    boardId: query.boardId,
    starred: query.starred,
    modelId: query.modelId,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  };
}

@Injectable()
export class ImagesService {
  constructor(
    private readonly images: ImagesRepository,
    private readonly boards: BoardOwnership,
    private readonly sync: ImageChanges,
    private readonly urls: ImageFileUrls,
  ) {}

  view(row: ImageRow): ImageView {
    return {
      id: row.id,
      generationId: row.generationId,
      index: row.index,
      prompt: row.prompt,
      negativePrompt: row.negativePrompt,
      model: { id: row.modelId, name: row.modelName },
      seed: row.seed,
      width: row.width,
      height: row.height,
      steps: row.steps,
      guidanceScale: row.guidanceScale,
      bytes: row.bytes,
      boardId: row.boardId,
      starred: row.starred,
      createdAt: row.createdAt.toISOString(),
      urls: this.urls.sign(row.id, row.ownerId),
    };
  }

  async list(ownerId: string, query: ListImagesDto): Promise<ImagePage> {
    const limit = query.limit ?? 30;
    const rows = await this.images.list(ownerId, {
      ...filtersOf(query),
      order: query.order ?? 'newest',
      limit: limit + 1,
      after: decodeKeysetCursor(query.cursor),
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.view(r)),
      nextCursor: rows.length > limit && last ? encodeKeysetCursor(last) : null,
    };
  }

  /**
   * One page of the owner's data export, oldest first: each image as `GET /images/:id` shows it,
   * with where its original file is and its name in the zip. No `nextCursor` on the last page.
   */
  async exportPage(
    ownerId: string,
    cursor: string | undefined,
    limit = EXPORT_PAGE_DEFAULT,
  ): Promise<{ items: ImageExportItem[]; nextCursor?: string }> {
    const rows = await this.images.exportPage(ownerId, limit + 1, decodeKeysetCursor(cursor));
    const page = rows.slice(0, limit);
    const items = page.map((r) => ({
      image: this.view(r),
      blobKey: r.storageKey,
      filename: `images/${r.id}.png`,
    }));
    const last = page[page.length - 1];
    return rows.length > limit && last
      ? { items, nextCursor: encodeKeysetCursor(last) }
      : { items };
  }

  async get(ownerId: string, id: string): Promise<ImageView> {
    return this.view(await this.owned(ownerId, id));
  }

  private async owned(ownerId: string, id: string): Promise<ImageRow> {
    const row = await this.images.findOwned(id, ownerId);
    if (!row) throw new AppError('NOT_FOUND', 'No such image');
    return row;
  }

  async update(ownerId: string, id: string, change: UpdateImageDto): Promise<ImageView> {
    const row = await this.images.transaction(async (tx) => {
      if (change.boardId && !(await this.boards.owns(change.boardId, ownerId, tx)))
        throw new AppError('BOARD_NOT_FOUND', 'No such board');
      const updated = await this.images.update(tx, id, ownerId, change);
      if (!updated) throw new AppError('NOT_FOUND', 'No such image');
      await this.sync.changed(tx, [id]);
      return updated;
    });
    this.sync.flush();
    return this.view(row);
  }

  /**
   * Deletes the caller's images among `ids`; answers which were deleted and which not found,
   * each in the order asked (UPDATE … RETURNING gives rows in no set order).
   */
  async delete(ownerId: string, ids: string[]): Promise<{ deleted: string[]; notFound: string[] }> {
    const unique = [...new Set(ids)];
    const gone = new Set(
      await this.images.transaction(async (tx) => {
        const deleted = await this.images.softDelete(tx, unique, ownerId);
        await this.sync.changed(tx, deleted);
        return deleted;
      }),
    );
    this.sync.flush();
    return {
      deleted: unique.filter((id) => gone.has(id)),
      notFound: unique.filter((id) => !gone.has(id)),
    };
  }
}
