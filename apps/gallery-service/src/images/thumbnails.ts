import sharp from 'sharp';

export const THUMBNAIL_SIDE = 256;

/** A WebP that fits in 256x256, keeping the aspect ratio; smaller images are not enlarged. */
export async function makeThumbnail(png: Buffer): Promise<Buffer> {
  return sharp(png)
    .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
}

export function thumbnailKey(storageKey: string): string {
  // images/<user>/<generation>/<i>.png → thumbnails/<user>/<generation>/<i>.webp
  return storageKey.replace(/^images\//, 'thumbnails/').replace(/\.png$/, '.webp');
}
