import { inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { encodeImagePng, encodePng, NATIVE_PNG_MIN_PIXELS, toRgb } from './png';

describe('encodePng', () => {
  it('writes a valid 8-bit RGB PNG whose pixels decode back', () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    const png = encodePng(2, 2, rgb);
    expect(png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(png.readUInt32BE(16)).toBe(2);
    expect(png.readUInt32BE(20)).toBe(2);
    const idatLength = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString('ascii')).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect([...raw]).toEqual([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 10, 20, 30]);
  });

  it('gives the same bytes for the same pixels', () => {
    const rgb = new Uint8Array(3 * 16 * 16).map((_, i) => (i * 7) % 256);
    expect(encodePng(16, 16, rgb).equals(encodePng(16, 16, rgb))).toBe(true);
  });

  it('refuses a pixel buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(5))).toThrow(/expected 12 RGB bytes/);
  });
});

describe('toRgb', () => {
  it('maps [-1, 1] planes to clamped bytes', () => {
    const chw = Float32Array.from([-1, 1, 0, -2]); // 1x1 pixel: r=-1, g=1, b=0, (one extra value ignored)
    expect([...toRgb(chw, 1, 1)]).toEqual([0, 255, 128]);
  });

  it('gives, byte for byte, round(clamp((v + 1) / 2) * 255) of each plane', () => {
    const width = 7;
    const height = 5;
    const plane = width * height;
    const special = [5, 5, 0, -0, 1, -1, 1e-30, -1e-30, 2 ** -24, NaN, Infinity, -Infinity, 3e38];
    const chw = Float32Array.from({ length: 3 * plane + 2 }, (_, i) =>
      i < special.length ? special[i] : Math.sin(i * 0.7) * 1.3,
    );
    const expected: number[] = [];
    for (let i = 0; i < plane; i++)
      for (let c = 0; c < 3; c++) {
        const v = (chw[2 + c * plane + i] + 1) / 2;
        expected.push(Uint8Array.of(Math.round(Math.min(1, Math.max(0, v)) * 255))[0]); // NaN → 0
      }
    expect([...toRgb(chw, width, height, 2)]).toEqual(expected);
  });

  it('agrees with Math.round on 300k float32 values around [-1, 1], near 0 and near the ties', () => {
    const n = 100_000;
    const chw = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) {
      chw[i] = (i / n) * 2.4 - 1.2; // a sweep
      chw[n + i] = (i - n / 2) * 2 ** -40; // tiny values around 0
      chw[2 * n + i] = ((i % 256) + 0.5) / 127.5 - 1 + ((i >> 8) - 195) * 2 ** -24; // around m + 0.5
    }
    const rgb = toRgb(chw, n, 1);
    let mismatches = 0;
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < n; i++) {
        const v = (chw[c * n + i] + 1) / 2;
        if (rgb[i * 3 + c] !== Math.round(Math.min(1, Math.max(0, v)) * 255)) mismatches++;
      }
    expect(mismatches).toBe(0);
  });
});

describe('encodeImagePng', () => {
  const side = Math.sqrt(NATIVE_PNG_MIN_PIXELS); // the smallest square encoded by sharp
  const rgb = new Uint8Array(3 * side * side).map((_, i) => (i * 31 + (i >> 9)) % 256);

  it('encodes large images natively: a PNG whose pixels decode back, the same bytes each time', async () => {
    const png = await encodeImagePng(side, side, rgb);
    expect(png.equals(encodePng(side, side, rgb))).toBe(false); // not the zlib path
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: side, height: side, channels: 3 });
    expect(data.equals(Buffer.from(rgb))).toBe(true);
    expect((await encodeImagePng(side, side, rgb)).equals(png)).toBe(true);
  });

  it('keeps small images on encodePng', async () => {
    const small = rgb.subarray(0, 3 * 16 * 16);
    expect((await encodeImagePng(16, 16, small)).equals(encodePng(16, 16, small))).toBe(true);
  });

  it('refuses a pixel buffer of the wrong size', async () => {
    await expect(encodeImagePng(side, side, new Uint8Array(5))).rejects.toThrow(/RGB bytes/);
  });
});
