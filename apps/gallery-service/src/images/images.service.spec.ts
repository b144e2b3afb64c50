import { Test } from '@nestjs/testing';
import { APP_CONFIG } from '@pingvas/common';
import type { Tx } from '@pingvas/database';
import { DataSource } from 'typeorm';
import { ImageChanges } from './image-changes';
import { BoardOwnership } from './board-ownership';
import { ImageFileUrls } from './image-files';
import type { ImageRow } from './image-row';
import { ImagesRepository } from './images.repository';
import { ImagesService } from './images.service';

const ADA = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const BOB = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const ADA_BOARD = 'a0a0a0a0-0000-4000-8000-000000000001';
const BOB_BOARD = 'b0b0b0b0-0000-4000-8000-000000000001';
const MISSING = '99999999-9999-4999-8999-999999999999';

/** The one transaction the fakes hand out; they keep rows in memory and never run it. */
const TX: Tx = new DataSource({ type: 'postgres' }).manager;

function image(id: string, ownerId: string): ImageRow {
  const at = new Date('2026-11-23T10:00:00.000Z');
  return {
    id,
    ownerId,
    generationId: `gen-${id}`,
    index: 0,
    modelId: 'model-a',
    modelName: 'Model A',
    prompt: '고양이',
    negativePrompt: null,
    seed: 7,
    width: 64,
    height: 48,
    steps: 4,
    guidanceScale: 1,
    storageKey: `images/${id}.png`,
    thumbnailKey: `images/${id}.webp`,
    bytes: 100,
    boardId: null,
    starred: false,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * The images table in memory, with the repository's rules (owner and liveness in every
 * statement). A transaction that throws leaves the rows as they were; a write outside the
 * open transaction fails, as it would not commit with the rest.
 */
class InMemoryImages implements Pick<
  ImagesRepository,
  'transaction' | 'findOwned' | 'update' | 'softDelete'
> {
  readonly rows = new Map<string, ImageRow & { deleted: boolean }>();
  private open = false;

  constructor(...images: ImageRow[]) {
    for (const i of images) this.rows.set(i.id, { ...i, deleted: false });
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const before = new Map([...this.rows].map(([id, row]) => [id, { ...row }]));
    this.open = true;
    try {
      return await fn(TX);
    } catch (err) {
      this.rows.clear();
      for (const [id, row] of before) this.rows.set(id, row);
      throw err;
    } finally {
      this.open = false;
    }
  }

  async findOwned(id: string, ownerId: string): Promise<ImageRow | undefined> {
    return this.live(id, ownerId);
  }

  async update(
    tx: Tx,
    id: string,
    ownerId: string,
    change: { starred?: boolean; boardId?: string | null },
  ): Promise<ImageRow | undefined> {
    this.writing(tx);
    const row = this.live(id, ownerId);
    if (!row) return undefined;
    if (change.starred !== undefined) row.starred = change.starred;
    if (change.boardId !== undefined) row.boardId = change.boardId;
    return row;
  }

  /** Answers in no set order, as UPDATE … RETURNING does (here: the reverse of the ids asked). */
  async softDelete(tx: Tx, ids: string[], ownerId: string): Promise<string[]> {
    this.writing(tx);
    const deleted = ids.flatMap((id) => {
      const row = this.live(id, ownerId);
      if (!row) return [];
      row.deleted = true;
      return [id];
    });
    return deleted.reverse();
  }

  private live(id: string, ownerId: string) {
    const row = this.rows.get(id);
    return row && row.ownerId === ownerId && !row.deleted ? row : undefined;
  }

  private writing(tx: Tx): void {
    if (!this.open || tx !== TX) throw new Error('a write outside the transaction');
  }
}

class Boards implements BoardOwnership {
  constructor(private readonly owners: Map<string, string>) {}

  async owns(boardId: string, ownerId: string): Promise<boolean> {
    return this.owners.get(boardId) === ownerId;
  }
}

/** What search was told: the image ids each transaction changed, and the flushes after. */
class RecordedSearchSync implements ImageChanges {
  readonly changedIds: string[] = [];

  async changed(tx: Tx, imageIds: string[]): Promise<void> {
    if (tx !== TX) throw new Error('search told outside the transaction');
    this.changedIds.push(...imageIds);
  }

  flush(): void {}
}

async function setup() {
  const images = new InMemoryImages(image('1', ADA), image('2', ADA), image('3', BOB));
  const sync = new RecordedSearchSync();
  const module = await Test.createTestingModule({
    providers: [
      ImagesService,
      ImageFileUrls,
      { provide: ImagesRepository, useValue: images },
      {
        provide: BoardOwnership,
        useValue: new Boards(
          new Map([
            [ADA_BOARD, ADA],
            [BOB_BOARD, BOB],
          ]),
        ),
      },
      { provide: ImageChanges, useValue: sync },
      {
        provide: APP_CONFIG,
        useValue: { files: { urlSecret: 'x'.repeat(32), signedUrlTtlSeconds: 600 } },
      },
    ],
  }).compile();
  return { sut: module.get(ImagesService), images, sync };
}

describe('ImagesService', () => {
  it("answers another owner's image as not found", async () => {
    const { sut } = await setup();
    await expect(sut.get(BOB, '1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sut.get(ADA, '1')).resolves.toMatchObject({ id: '1' });
  });

  it("does not change another owner's image", async () => {
    const { sut, images, sync } = await setup();
    await expect(sut.update(BOB, '1', { starred: true })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(images.rows.get('1')?.starred).toBe(false);
    expect(sync.changedIds).toEqual([]);
  });

  it("refuses to move an image to a board its owner doesn't own, changing nothing", async () => {
    const { sut, images, sync } = await setup();
    await expect(sut.update(ADA, '1', { boardId: BOB_BOARD })).rejects.toMatchObject({
      code: 'BOARD_NOT_FOUND',
    });
    await expect(sut.update(ADA, '1', { boardId: MISSING })).rejects.toMatchObject({
      code: 'BOARD_NOT_FOUND',
    });
    expect(images.rows.get('1')?.boardId).toBeNull();
    expect(sync.changedIds).toEqual([]);
  });

  it('moves an image to a board of its owner, and tells search in the same transaction', async () => {
    const { sut, images, sync } = await setup();
    await expect(sut.update(ADA, '1', { boardId: ADA_BOARD })).resolves.toMatchObject({
      id: '1',
      boardId: ADA_BOARD,
    });
    expect(images.rows.get('1')?.boardId).toBe(ADA_BOARD);
    expect(sync.changedIds).toEqual(['1']);
  });

  it("bulk delete deletes only the caller's own images and names the rest not found", async () => {
    const { sut, images, sync } = await setup();
    await expect(sut.delete(ADA, ['1', '3', MISSING, '1'])).resolves.toEqual({
      deleted: ['1'],
      notFound: ['3', MISSING],
    });
    expect(images.rows.get('3')?.deleted).toBe(false);
    expect(images.rows.get('2')?.deleted).toBe(false);
    expect(sync.changedIds).toEqual(['1']);
  });

  it('answers the deleted and the not found in the order they were asked for', async () => {
    const { sut } = await setup();
    await expect(sut.delete(ADA, ['2', MISSING, '1', '3'])).resolves.toEqual({
      deleted: ['2', '1'],
      notFound: [MISSING, '3'],
    });
  });
});
