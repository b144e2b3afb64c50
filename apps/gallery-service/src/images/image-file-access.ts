import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppError } from '@pingvas/common';
import { BlobNotFoundError, type BlobStorage, contentTypeOf } from '@pingvas/storage';
import type { GalleryServiceConfig } from '../config';
import { BLOB_STORAGE } from '../storage.provider';
import { ImageFileUrls, type ImageVariant } from './image-files';
import { ImagesRepository } from './images.repository';

/** Where a file request is answered from: the store itself (S3) or this service (local disk). */
export type ImageFile =
  | { kind: 'redirect'; url: string }
  | {
      kind: 'stream';
      stream: Readable;
      size: number;
      contentType: string;
      filename: string;
      /** Content-Disposition: attachment (a download) rather than inline. */
      attachment: boolean;
    };

/** Who asks: the owner signed in, or the holder of a signed URL (`?exp=&sig=`). */
export interface FileProof {
  userId?: string;
  exp?: number;
  sig?: string;
}

/** Saved under pingvas-<id>.png (or .webp) when downloaded; named <id>.png when shown. */
function fileName(id: string, variant: ImageVariant, download: boolean): string {
  return `${download ? 'pingvas-' : ''}${id}.${variant === 'file' ? 'png' : 'webp'}`;
}

/**
 * An image's bytes, for its owner (signed in) or for a signed URL. Anyone else, a wrong or
 * expired signature, or a deleted image: 404 alike, before any storage URL is made. Where the
 * store can sign its own URLs (S3), the answer is a short-lived one, so the bytes never pass
 * through gallery-service; on local disk they are streamed from here.
 */
@Injectable()
export class ImageFileAccess {
  constructor(
    private readonly images: ImagesRepository,
    private readonly urls: ImageFileUrls,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    @Inject(APP_CONFIG) private readonly config: GalleryServiceConfig,
  ) {}

  /** `download`: answered as an attachment (saved by a browser even across origins). */
  async open(
    id: string,
    variant: ImageVariant,
    proof: FileProof,
    { download = false }: { download?: boolean } = {},
  ): Promise<ImageFile> {
    const [row] = await this.images.byIds([id]);
    const allowed =
      row &&
      (proof.sig !== undefined
        ? proof.exp !== undefined &&
          this.urls.verify(variant, id, row.ownerId, proof.exp, proof.sig)
        : proof.userId === row.ownerId);
    if (!row || !allowed) throw new AppError('NOT_FOUND', 'No such image');
    const key = variant === 'file' ? row.storageKey : row.thumbnailKey;
    if (!key) throw new AppError('NOT_FOUND', 'This image has no thumbnail');
    const filename = fileName(id, variant, download);
    if (this.storage.presignedUrl) {
      const ttl = this.config.files.downloadUrlTtlSeconds;
      const url = await this.storage.presignedUrl(key, {
        expiresInS: ttl,
        filename,
        ...(download ? { attachment: true } : {}),
        contentType: contentTypeOf(key),
        cacheControl: `private, max-age=${ttl}, immutable`,
      });
      return { kind: 'redirect', url };
    }
    try {
      const info = await this.storage.stat(key);
      if (!info) throw new BlobNotFoundError(key);
      const stream = await this.storage.read(key);
      return {
        kind: 'stream',
        stream,
        size: info.size,
        contentType: info.contentType,
        filename,
        attachment: download,
      };
    } catch (err) {
      if (err instanceof BlobNotFoundError) throw new AppError('NOT_FOUND', 'The file is gone');
      throw err;
    }
  }
}
