import type { GalleryServiceConfig } from '../config';
import { ImageFileUrls } from './image-files';

const IMAGE = '11111111-1111-4111-8111-111111111111';
const OWNER = '22222222-2222-4222-8222-222222222222';
const NOW = Date.parse('2026-11-23T10:00:30.000Z');

function setup(secret = 'x'.repeat(32)) {
  return new ImageFileUrls({
    files: { urlSecret: secret, signedUrlTtlSeconds: 600 },
  } as GalleryServiceConfig);
}

function parse(url: string) {
  const u = new URL(url, 'http://h');
  return { exp: Number(u.searchParams.get('exp')), sig: u.searchParams.get('sig')! };
}

describe('ImageFileUrls', () => {
  it('signs both variants until the TTL, rounded up to the minute', () => {
    const urls = setup().sign(IMAGE, OWNER, NOW);
    expect(urls.expiresAt).toBe('2026-11-23T10:11:00.000Z');
    expect(urls.file).toMatch(new RegExp(`^/api/v1/images/${IMAGE}/file\\?exp=\\d+&sig=`));
    const { exp, sig } = parse(urls.file);
    expect(setup().verify('file', IMAGE, OWNER, exp, sig, NOW)).toBe(true);
  });

  it('refuses another variant, image, owner, expiry or key, and an expired URL', () => {
    const sut = setup();
    const { exp, sig } = parse(sut.sign(IMAGE, OWNER, NOW).file);
    expect(sut.verify('thumbnail', IMAGE, OWNER, exp, sig, NOW)).toBe(false);
    expect(sut.verify('file', OWNER, OWNER, exp, sig, NOW)).toBe(false);
    expect(sut.verify('file', IMAGE, IMAGE, exp, sig, NOW)).toBe(false);
    expect(sut.verify('file', IMAGE, OWNER, exp + 60, sig, NOW)).toBe(false);
    expect(setup('y'.repeat(32)).verify('file', IMAGE, OWNER, exp, sig, NOW)).toBe(false);
    expect(sut.verify('file', IMAGE, OWNER, exp, sig, exp * 1000)).toBe(false);
    expect(sut.verify('file', IMAGE, OWNER, exp, sig.slice(1), NOW)).toBe(false);
    expect(sut.verify('file', IMAGE, OWNER, 1.5, sig, NOW)).toBe(false);
  });
});
