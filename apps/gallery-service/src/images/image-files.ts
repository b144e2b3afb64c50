import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@pingvas/common';
import type { GalleryServiceConfig } from '../config';

export type ImageVariant = 'file' | 'thumbnail';

export interface SignedUrls {
  file: string;
  thumbnail: string;
  expiresAt: string;
}

/**
 * Short-lived signed URLs for an image's file and thumbnail, for `<img src>` where no
 * Authorization header can be sent. The signature covers the variant, the image, its owner and
 * the expiry, and is checked against the image's real owner: a URL works only for the image it
 * was made for, only until it expires, and only the owner can have one made.
 */
@Injectable()
export class ImageFileUrls {
  constructor(@Inject(APP_CONFIG) private readonly config: GalleryServiceConfig) {}

  private signature(variant: ImageVariant, imageId: string, ownerId: string, exp: number): string {
    return createHmac('sha256', this.config.files.urlSecret)
      .update(`${variant}\n${imageId}\n${ownerId}\n${exp}`)
      .digest('base64url');
  }

  sign(imageId: string, ownerId: string, now = Date.now()): SignedUrls {
    // Rounded up to the minute, so a page of images shares expiries and browsers can cache.
    const ttl = this.config.files.signedUrlTtlSeconds;
    const exp = Math.ceil((now / 1000 + ttl) / 60) * 60;
    const url = (variant: ImageVariant) =>
      `/api/v1/images/${imageId}/${variant}?exp=${exp}&sig=${this.signature(variant, imageId, ownerId, exp)}`;
    return {
      file: url('file'),
      thumbnail: url('thumbnail'),
      expiresAt: new Date(exp * 1000).toISOString(),
    };
  }

  /** True when `sig` was made by `sign` for this variant, image and owner and has not expired. */
  verify(
    variant: ImageVariant,
    imageId: string,
    ownerId: string,
    exp: number,
    sig: string,
    now = Date.now(),
  ): boolean {
    if (!Number.isInteger(exp) || exp * 1000 <= now) return false;
    const expected = Buffer.from(this.signature(variant, imageId, ownerId, exp));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
