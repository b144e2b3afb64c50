import { inflateSync } from 'node:zlib';
import { latentPreview } from './preview';

/** The RGB bytes of an unfiltered 8-bit RGB PNG as encodePng writes it. */
function pixels(png: Buffer): { width: number; height: number; rgb: number[] } {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idatAt = png.indexOf('IDAT');
  const raw = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + png.readUInt32BE(idatAt - 4)));
  const rgb: number[] = [];
  for (let y = 0; y < height; y++)
    rgb.push(...raw.subarray(y * (width * 3 + 1) + 1, (y + 1) * (width * 3 + 1)));
  return { width, height, rgb };
}

describe('latentPreview', () => {
  it('projects four SD latent channels to RGB with the linear factors', () => {
    // One pixel, channel 0 = 1, others 0: RGB = (1 + row 0) / 2 of the factors.
    const { rgb } = pixels(latentPreview(Float32Array.of(1, 0, 0, 0), 4, 1, 1));
    expect(rgb).toEqual([0.3512, 0.2297, 0.3227].map((f) => Math.round(((f + 1) / 2) * 255)));
  });

  it('lays pixels out row by row from planar latents, clamped to the byte range', () => {
    // 2x1: channel 3 is strongly negative on the right pixel (dark blue drops to 0).
    const latents = Float32Array.of(0, 0, 0, 0, 0, 0, 0, 3);
    const { width, height, rgb } = pixels(latentPreview(latents, 4, 2, 1));
    expect({ width, height }).toEqual({ width: 2, height: 1 });
    expect(rgb.slice(0, 3)).toEqual([128, 128, 128]);
    expect(rgb[5]).toBe(0);
  });

  it('shows the channel mean in grey for models with another channel count', () => {
    const { rgb } = pixels(latentPreview(Float32Array.of(1, 1, 1), 3, 1, 1));
    expect(rgb).toEqual([255, 255, 255]);
  });

  it('refuses latents whose length does not match the shape', () => {
    expect(() => latentPreview(new Float32Array(5), 4, 1, 1)).toThrow(/expected 4/);
  });
});
