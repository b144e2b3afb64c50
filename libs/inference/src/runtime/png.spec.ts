import { inflateSync } from 'node:zlib';
import { encodePng, toRgb } from './png';

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
});
