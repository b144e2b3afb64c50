import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

// Every encode is of new pixels from memory: libvips' operation cache (50 MB) would only hold RSS.
sharp.cache(false);

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * An 8-bit RGB PNG with no timestamps or other varying chunks, compressed with fixed
 * settings: the same pixels always give the same bytes (the reproducibility promise).
 */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  if (rgb.length !== width * height * 3)
    throw new Error(`expected ${width * height * 3} RGB bytes, got ${rgb.length}`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const data = deflateSync(raw, { level: 6, memLevel: 8, strategy: 0 });
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', data),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * zlib level of the larger images a generation stores (libvips/zlib-ng through sharp, no row
 * filters). Measured at 512x512 on the 2-core box: node's zlib at 6 took 10-16 ms for the tiny
 * model's image (64 KB); sharp at 1 about 2.7 ms (113 KB), at 2 about 3 ms (81 KB), at 6 about
 * 8 ms. For photographs (two JPEGs scaled to 512x512) level 2 gave 559/696 KB against 553/694 KB
 * at 6 and 666/764 KB at 1. Row filters shrink photographs by another 30 % at 2-3x the time.
 */
export const IMAGE_PNG_LEVEL = 2;
/**
 * Below this many pixels sharp's fixed cost (a libvips pipeline and a thread-pool hop, ~0.8 ms)
 * is more than node's zlib takes for the whole image, so small images stay on encodePng.
 */
export const NATIVE_PNG_MIN_PIXELS = 256 * 256;

/**
 * The PNG of a generated image: encodePng for small images, else libvips/zlib-ng in sharp's
 * thread pool (off the event loop) with fixed settings and no metadata besides libvips'
 * constant pHYs chunk. Either way the same pixels and size always give the same bytes (with the
 * same sharp build).
 */
export async function encodeImagePng(
  width: number,
  height: number,
  rgb: Uint8Array,
): Promise<Buffer> {
  if (rgb.length !== width * height * 3)
    throw new Error(`expected ${width * height * 3} RGB bytes, got ${rgb.length}`);
  if (width * height < NATIVE_PNG_MIN_PIXELS) return encodePng(width, height, rgb);
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: IMAGE_PNG_LEVEL, adaptiveFiltering: false, palette: false })
    .toBuffer();
}

/**
 * VAE output (NCHW, values in [-1, 1]) of one image → interleaved RGB bytes: for each value
 * round(clamp((v + 1) / 2) * 255), Math.round's ties away from zero.
 *
 * It stores ((v + 1) / 2) * 255 into a Uint8ClampedArray, which clamps (NaN → 0) and rounds ties
 * to even instead, three times faster than Math.round and two comparisons. The two agree for
 * every float32 v: (v + 1) / 2 * 255 can be exactly m + 0.5 only at 127.5 (v = 0, or |v| too
 * small to change v + 1), where both give 128 — checked for every float32 with
 * 2^-30 <= |v| <= 1.25 and samples below; the spec compares it with the formula.
 */
export function toRgb(chw: Float32Array, width: number, height: number, offset = 0): Uint8Array {
  const plane = width * height;
  const rgb = new Uint8ClampedArray(plane * 3);
  const g = offset + plane;
  const b = offset + 2 * plane;
  for (let i = 0, o = 0; i < plane; i++, o += 3) {
    rgb[o] = ((chw[offset + i] + 1) / 2) * 255;
    rgb[o + 1] = ((chw[g + i] + 1) / 2) * 255;
    rgb[o + 2] = ((chw[b + i] + 1) / 2) * 255;
  }
  return new Uint8Array(rgb.buffer);
}
