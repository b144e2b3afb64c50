import { buffer } from 'node:stream/consumers';
import { eventually, type GalleryUser, TestS3Server } from '@pingvas/testing';
import sharp from 'sharp';
import { bootGalleryStack, type GalleryStack } from './gallery-stack';

const BUCKET = 'pingvas-test-images';

interface Listed {
  id: string;
  urls: { file: string; thumbnail: string };
}

/**
 * The gallery on STORAGE_DRIVER=s3 against a real S3-compatible server (s3rver) and the real AWS
 * client: images written to the bucket are ingested and listed, their files reached by presigned
 * URLs (gallery-service answers a redirect, never the bytes), and deleted images' objects removed.
 */
describe('gallery on S3 storage', () => {
  let s3: TestS3Server;
  let stack: GalleryStack;
  let ada: GalleryUser;
  let bob: GalleryUser;

  beforeAll(async () => {
    s3 = await TestS3Server.start([BUCKET]);
    stack = await bootGalleryStack(s3.storageEnv(BUCKET));
    [ada, bob] = [await stack.signUp(), await stack.signUp()];
  });

  afterAll(async () => {
    await stack?.stop();
    await s3?.stop();
  });

  const gallery = (path: string, user?: GalleryUser) =>
    fetch(new URL(path, stack.gallery.url), {
      redirect: 'manual',
      headers: user ? { Authorization: `Bearer ${user.token}` } : {},
    });

  async function keysOf(id: string): Promise<{ storage_key: string; thumbnail_key: string }> {
    const [row] = await stack.sql<{ storage_key: string; thumbnail_key: string }>(
      `SELECT "storage_key", "thumbnail_key" FROM "images" WHERE "id" = $1`,
      [id],
    );
    return row!;
  }

  async function listed(user: GalleryUser): Promise<Listed[]> {
    const res = await gallery('/api/v1/images?limit=100', user);
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: Listed[] }).items;
  }

  it('ingests images the worker wrote to the bucket, with their thumbnails in the bucket too', async () => {
    const ids = await stack.ingest(ada, [
      { prompt: '버킷 속 고양이' },
      { prompt: 'a cat in a bucket' },
    ]);
    expect((await listed(ada)).map((i) => i.id).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const keys = await keysOf(id);
      expect(await stack.storage.stat(keys.storage_key)).toMatchObject({
        contentType: 'image/png',
      });
      expect(await stack.storage.stat(keys.thumbnail_key)).toMatchObject({
        contentType: 'image/webp',
      });
    }
  });

  it('answers a signed file URL with a redirect to a presigned storage URL that serves the same bytes', async () => {
    const [id] = await stack.ingest(ada, [{ prompt: 'download me' }]);
    const image = (await listed(ada)).find((i) => i.id === id)!;
    const written = await buffer(await stack.storage.read((await keysOf(id!)).storage_key));

    const redirect = await gallery(image.urls.file);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('cache-control')).toBe('private, no-store');
    const location = redirect.headers.get('location')!;
    expect(location.startsWith(`${s3.endpoint}/${BUCKET}/images/${ada.userId}/`)).toBe(true);
    expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('360');

    // A plain HTTP client follows the redirect straight to storage.
    const followed = await fetch(new URL(image.urls.file, stack.gallery.url));
    expect(followed.status).toBe(200);
    expect(followed.url.startsWith(s3.endpoint)).toBe(true);
    expect(followed.headers.get('content-type')).toBe('image/png');
    expect(followed.headers.get('content-disposition')).toBe(`inline; filename="${id}.png"`);
    const bytes = Buffer.from(await followed.arrayBuffer());
    expect(bytes.equals(written)).toBe(true);

    const thumb = await fetch(new URL(image.urls.thumbnail, stack.gallery.url));
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 64, 48]);
  });

  it('sends ?download=1 to a storage URL that answers the file as an attachment', async () => {
    const [id] = await stack.ingest(ada, [{ prompt: 'save me from the bucket' }]);
    const image = (await listed(ada)).find((i) => i.id === id)!;
    const disposition = `attachment; filename="pingvas-${id}.png"`;
    const redirect = await gallery(`${image.urls.file}&download=1`);
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get('location')!);
    expect(location.searchParams.get('response-content-disposition')).toBe(disposition);
    // s3rver honours response-content-disposition, as S3 and MinIO do.
    const followed = await fetch(new URL(`${image.urls.file}&download=1`, stack.gallery.url));
    expect(followed.status).toBe(200);
    expect(followed.url.startsWith(s3.endpoint)).toBe(true);
    expect(followed.headers.get('content-disposition')).toBe(disposition);
    await followed.arrayBuffer();
    const bad = await gallery(`/api/v1/images/${id}/file?download=maybe`, ada);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
  });

  it('sends the owner signed in to storage too', async () => {
    const [id] = await stack.ingest(ada, [{ prompt: 'mine' }]);
    const res = await gallery(`/api/v1/images/${id}/thumbnail`, ada);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain(`/${BUCKET}/thumbnails/${ada.userId}/`);
  });

  it("answers another user's image 404 before any storage URL is made", async () => {
    const [id] = await stack.ingest(ada, [{ prompt: 'not for bob' }]);
    const image = (await listed(ada)).find((i) => i.id === id)!;
    for (const res of [
      await gallery(`/api/v1/images/${id}/file`, bob),
      await gallery(`/api/v1/images/${id}/file`),
      await gallery(image.urls.thumbnail.replace('/thumbnail?', '/file?')),
    ]) {
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).not.toContain(s3.endpoint);
    }
  });

  it("removes a deleted image's objects from the bucket with the cleanup job", async () => {
    const [id] = await stack.ingest(ada, [{ prompt: 'short-lived' }]);
    const keys = await keysOf(id!);
    const deleted = await fetch(new URL(`/api/v1/images/${id}`, stack.gallery.url), {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${ada.token}` },
    });
    expect(deleted.status).toBe(204);
    expect((await gallery(`/api/v1/images/${id}/file`, ada)).status).toBe(404);
    await eventually(
      async () => {
        const left = [
          await stack.storage.stat(keys.storage_key),
          await stack.storage.stat(keys.thumbnail_key),
        ];
        return left.every((info) => info === null) ? true : undefined;
      },
      15_000,
      'the deleted image’s objects removed from the bucket',
    );
  });
});
