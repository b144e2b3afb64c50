import type Sharp from 'sharp';

let sharpModule: Promise<typeof Sharp> | undefined;

/**
 * sharp (libvips, ~18 MB resident) loads with the first thumbnail, not at boot. Its operation
 * cache is off: every thumbnail is of a new image, so cached pipelines would only hold memory.
 */
function loadSharp(): Promise<typeof Sharp> {
  return (sharpModule ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(false);
    return sharp;
  }));
}

export const THUMBNAIL_SIDE = 256;

/** A WebP that fits in 256x256, keeping the aspect ratio; smaller images are not enlarged. */
export async function makeThumbnail(png: Buffer): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(png)
    .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
}

export function thumbnailKey(storageKey: string): string {
  // images/<user>/<generation>/<i>.png → thumbnails/<user>/<generation>/<i>.webp
  return storageKey.replace(/^images\//, 'thumbnails/').replace(/\.png$/, '.webp');
}
