import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError, decodeKeysetCursor, encodeKeysetCursor } from '@pingvas/common';
import { ImageFileUrls } from '../images/image-files';
import type { BoardContents } from '../images/image-row';
import { ImagesRepository } from '../images/images.repository';
import { ImageChanges } from '../images/image-changes';
import { type BoardRow, BoardsRepository } from './boards.repository';

/** Enough for any real collection, and a bound on what one list answer holds. */
export const MAX_BOARDS = 500;

/** A type alias, not an interface, so that it is also an export row (ApiView: a JSON object). */
export type BoardView = {
  id: string;
  name: string;
  imageCount: number;
  cover: { imageId: string; thumbnail: string } | null;
  createdAt: string;
  updatedAt: string;
};

@Injectable()
export class BoardsService {
  constructor(
    private readonly boards: BoardsRepository,
    private readonly images: ImagesRepository,
    private readonly sync: ImageChanges,
    private readonly urls: ImageFileUrls,
  ) {}

  private view(row: BoardRow, contents?: BoardContents): BoardView {
    const coverImageId = contents?.coverImageId ?? null;
    return {
      id: row.id,
      name: row.name,
      imageCount: contents?.imageCount ?? 0,
      cover: coverImageId
        ? { imageId: coverImageId, thumbnail: this.urls.sign(coverImageId, row.ownerId).thumbnail }
        : null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  /** The boards as they are, with what each holds now. */
  private async views(rows: BoardRow[]): Promise<BoardView[]> {
    const contents = await this.images.boardContents(rows.map((b) => b.id));
    return rows.map((b) => this.view(b, contents.get(b.id)));
  }

  async list(ownerId: string): Promise<{ items: BoardView[] }> {
    return { items: await this.views(await this.boards.list(ownerId)) };
  }

  /** One page of the owner's data export, oldest first: each board's view and its images. */
  async exportPage(
    ownerId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: (BoardView & { imageIds: string[] })[]; nextCursor?: string }> {
    const rows = await this.boards.exportPage(ownerId, limit + 1, decodeKeysetCursor(cursor));
    const page = rows.slice(0, limit);
    const views = await this.views(page);
    const onBoards = await this.images.idsOnBoards(page.map((b) => b.id));
    const items = views.map((v) => ({ ...v, imageIds: onBoards.get(v.id) ?? [] }));
    const last = page[page.length - 1];
    return rows.length > limit && last
      ? { items, nextCursor: encodeKeysetCursor(last) }
      : { items };
  }

  async get(ownerId: string, id: string): Promise<BoardView> {
    const row = await this.boards.findOwned(id, ownerId);
    if (!row) throw new AppError('NOT_FOUND', 'No such board');
    const [view] = await this.views([row]);
    return view;
  }

  /** For generation-service, before it accepts a job for a board (another's is not owned). */
  isOwned(ownerId: string, id: string): Promise<boolean> {
    return this.boards.owns(id, ownerId);
  }

  async create(ownerId: string, name: string): Promise<BoardView> {
    if ((await this.boards.count(ownerId)) >= MAX_BOARDS)
      throw new AppError('CONFLICT', `You have ${MAX_BOARDS} boards, the most there can be`);
    const row = await this.boards.insert(randomUUID(), ownerId, name);
    if (!row) throw taken(name);
    return this.view(row);
  }

  async rename(ownerId: string, id: string, name: string): Promise<BoardView> {
    const outcome = await this.boards.rename(id, ownerId, name);
    if (outcome === 'missing') throw new AppError('NOT_FOUND', 'No such board');
    if (outcome === 'taken') throw taken(name);
    return this.get(ownerId, id);
  }

  /** Deletes a board; its images go with it, or stay on no board. */
  async delete(
    ownerId: string,
    id: string,
    includeImages: boolean,
  ): Promise<{ deletedImages: number }> {
    const deletedImages = await this.boards.transaction(async (tx) => {
      // Images that stay lose their board; the index must hear of it too.
      const moved = includeImages ? [] : await this.images.detachFromBoard(tx, id, ownerId);
      const gone = includeImages ? await this.images.softDeleteBoard(tx, id, ownerId) : [];
      if (!(await this.boards.delete(tx, id, ownerId)))
        throw new AppError('NOT_FOUND', 'No such board');
      await this.sync.changed(tx, [...gone, ...moved]);
      return gone.length;
    });
    this.sync.flush();
    return { deletedImages };
  }
}

function taken(name: string): AppError {
  return new AppError('BOARD_NAME_TAKEN', `You already have a board named "${name}"`);
}
