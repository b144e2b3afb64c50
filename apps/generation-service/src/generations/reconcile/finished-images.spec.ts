import sharp from 'sharp';
import { isCompletePng } from './finished-images';

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();

describe('isCompletePng', () => {
  it('accepts a whole PNG of the asked size', async () => {
    expect(isCompletePng(await png(64, 48), 64, 48)).toBe(true);
  });

  it('refuses a PNG of another size', async () => {
    expect(isCompletePng(await png(64, 48), 48, 64)).toBe(false);
  });

  it('refuses a PNG cut short (no closing IEND chunk)', async () => {
    const whole = await png(64, 64);
    expect(isCompletePng(whole.subarray(0, whole.length - 1), 64, 64)).toBe(false);
  });

  it('refuses bytes that are not a PNG', () => {
    expect(isCompletePng(Buffer.alloc(100, 7), 64, 64)).toBe(false);
  });
});
