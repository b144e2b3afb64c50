import { Readable } from 'node:stream';
import { Test } from '@nestjs/testing';
import { APP_CONFIG } from '@pingvas/common';
import type { BlobInfo, BlobStorage, PresignOptions } from '@pingvas/storage';
import { BLOB_STORAGE } from '../storage.provider';
import { ImageFileAccess } from './image-file-access';
import { ImageFileUrls } from './image-files';
import type { ImageRow } from './image-row';
import { ImagesRepository } from './images.repository';

const ADA = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const BOB = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const IMAGE = '11111111-1111-4111-8111-111111111111';

class OneImage implements Pick<ImagesRepository, 'byIds'> {
  async byIds(ids: string[]): Promise<ImageRow[]> {
    if (!ids.includes(IMAGE)) return [];
    const at = new Date('2026-11-23T10:00:00.000Z');
    return [
      {
        id: IMAGE,
        ownerId: ADA,
        generationId: 'g',
        index: 0,
        modelId: 'm',
        modelName: 'M',
        prompt: 'p',
        negativePrompt: null,
        seed: 1,
        width: 64,
        height: 48,
        steps: 4,
        guidanceScale: 1,
        storageKey: `images/${ADA}/g/0.png`,
        thumbnailKey: `thumbnails/${ADA}/g/0.webp`,
        bytes: 3,
        boardId: null,
        starred: false,
        createdAt: at,
        updatedAt: at,
      },
    ];
  }
}

/** A store that only records what it was asked; `signs` says whether it has presigned URLs. */
class RecordingStore implements BlobStorage {
  readonly presigned: { key: string; options: PresignOptions }[] = [];
  presignedUrl?: (key: string, options: PresignOptions) => Promise<string>;

  constructor(signs: boolean) {
    if (signs) {
      this.presignedUrl = async (key, options) => {
        this.presigned.push({ key, options });
        return `https://bucket.example/${key}?sig`;
      };
    }
  }

  async put(): Promise<BlobInfo> {
    throw new Error('not here');
  }
  async stat(): Promise<BlobInfo> {
    return { size: 3, contentType: 'image/png' };
  }
  async read(): Promise<Readable> {
    return Readable.from([Buffer.from('png')]);
  }
  async delete(): Promise<void> {}
}

async function setup(signs: boolean) {
  const store = new RecordingStore(signs);
  const module = await Test.createTestingModule({
    providers: [
      ImageFileAccess,
      ImageFileUrls,
      { provide: ImagesRepository, useValue: new OneImage() },
      { provide: BLOB_STORAGE, useValue: store },
      {
        provide: APP_CONFIG,
        useValue: {
          files: {
            urlSecret: 'x'.repeat(32),
            signedUrlTtlSeconds: 600,
            downloadUrlTtlSeconds: 300,
          },
        },
      },
    ],
  }).compile();
  return { sut: module.get(ImageFileAccess), urls: module.get(ImageFileUrls), store };
}

describe('ImageFileAccess', () => {
  it("answers another owner's image as not found before any storage URL is made", async () => {
    const { sut, store } = await setup(true);
    await expect(sut.open(IMAGE, 'file', { userId: BOB })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(sut.open(IMAGE, 'file', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(store.presigned).toEqual([]);
  });

  it('sends the owner to a short-lived storage URL where the store signs its own', async () => {
    const { sut, store } = await setup(true);
    const file = await sut.open(IMAGE, 'thumbnail', { userId: ADA });
    expect(file).toEqual({
      kind: 'redirect',
      url: `https://bucket.example/thumbnails/${ADA}/g/0.webp?sig`,
    });
    expect(store.presigned[0]!.options).toEqual({
      expiresInS: 300,
      filename: `${IMAGE}.webp`,
      contentType: 'image/webp',
      cacheControl: 'private, max-age=300, immutable',
    });
  });

  it('takes a signed gallery URL as the proof, and refuses it for the other variant', async () => {
    const { sut, urls } = await setup(true);
    const signed = new URL(urls.sign(IMAGE, ADA).file, 'http://h');
    const proof = {
      exp: Number(signed.searchParams.get('exp')),
      sig: signed.searchParams.get('sig')!,
    };
    await expect(sut.open(IMAGE, 'file', proof)).resolves.toMatchObject({ kind: 'redirect' });
    await expect(sut.open(IMAGE, 'thumbnail', proof)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('asks the store for an attachment named pingvas-<id>.png when the file is downloaded', async () => {
    const { sut, store } = await setup(true);
    await sut.open(IMAGE, 'file', { userId: ADA }, { download: true });
    expect(store.presigned[0]!.options).toMatchObject({
      filename: `pingvas-${IMAGE}.png`,
      attachment: true,
    });
    const local = await setup(false);
    await expect(
      local.sut.open(IMAGE, 'file', { userId: ADA }, { download: true }),
    ).resolves.toMatchObject({
      kind: 'stream',
      filename: `pingvas-${IMAGE}.png`,
      attachment: true,
    });
  });

  it('streams the bytes from here where the store has no URLs (local disk)', async () => {
    const { sut } = await setup(false);
    await expect(sut.open(IMAGE, 'file', { userId: ADA })).resolves.toMatchObject({
      kind: 'stream',
      size: 3,
      contentType: 'image/png',
      filename: `${IMAGE}.png`,
      attachment: false,
    });
  });
});
