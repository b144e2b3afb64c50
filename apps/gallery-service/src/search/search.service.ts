import { Injectable } from '@nestjs/common';
import { type ImagePage, ImagesService } from '../images/images.service';
import { ImagesRepository } from '../images/images.repository';
import { ImageSearch } from './image-search';
import type { SearchImagesDto } from './search.dto';

export const SUGGESTIONS = 10;

@Injectable()
export class SearchService {
  constructor(
    private readonly search: ImageSearch,
    private readonly rows: ImagesRepository,
    private readonly views: ImagesService,
  ) {}

  /**
   * The index gives ranked ids; the rows come from the database, filtered by owner and
   * liveness again, so a deleted image (or a stale index entry) is never shown.
   */
  async images(ownerId: string, query: SearchImagesDto): Promise<ImagePage> {
    const page = await this.search.search({
      ownerId,
      q: query.q,
      limit: query.limit ?? 30,
      cursor: query.cursor,
      boardId: query.boardId,
      starred: query.starred,
      modelId: query.modelId,
      from: query.from,
      to: query.to,
    });
    const rows = await this.rows.byIds(page.ids, ownerId);
    return { items: rows.map((r) => this.views.view(r)), nextCursor: page.nextCursor };
  }

  async suggest(ownerId: string, q: string): Promise<{ items: string[] }> {
    return { items: await this.search.suggest(ownerId, q, SUGGESTIONS) };
  }
}
