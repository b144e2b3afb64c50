import type { Env } from '@pingvas/common';
import {
  type BlobStorage,
  createBlobStorage,
  loadStorageConfig,
  S3Storage,
} from '@pingvas/storage';
import { bootOnTestSchema, eventually, type ServiceOnSchema, TestS3Server } from '@pingvas/testing';
import sharp from 'sharp';
import { GALLERY_SERVICE } from '../../../test/support/gallery-service';
import { bootGenerationStack, type GenerationStack } from '../../../test/support/generation-stack';
import type { Customer } from '../../../test/support/user-service';

const BUCKET = 'pingvas-test-images';

/**
 * The whole way on STORAGE_DRIVER=s3: the real worker (a child process) writes the PNGs to the
 * bucket, generation-service and gallery-service read them there, and the owner downloads them
 * from the bucket by presigned URL. No process shares a folder with another.
 */
describe('gallery: images from generations, on S3 storage', () => {
  let s3: TestS3Server;
  let env: Env;
  let stack: GenerationStack;
  let gallery: ServiceOnSchema;
  let bucket: BlobStorage;

  beforeAll(async () => {
    s3 = await TestS3Server.start([BUCKET]);
    env = s3.storageEnv(BUCKET);
    stack = await bootGenerationStack({ generationEnv: env });
    gallery = await bootOnTestSchema(GALLERY_SERVICE, stack.namespace, {
      JWKS_URL: `${stack.users.url}/.well-known/jwks.json`,
      ...env,
    });
    await stack.startWorker(env);
    bucket = createBlobStorage(loadStorageConfig('test', env));
  });

  afterAll(async () => {
    if (bucket instanceof S3Storage) bucket.close();
    await gallery?.stop();
    await stack?.stop();
    await s3?.stop();
  });

  const authed = (c: Customer) => ({ headers: { Authorization: `Bearer ${c.token}` } });

  it('a generated image lands in the bucket and is downloaded from it by its owner', async () => {
    const owner = await stack.customer('pro', 100);
    const other = await stack.customer('pro', 100);
    const submitted = await fetch(`${stack.generation.url}/api/v1/generations`, {
      method: 'POST',
      headers: { ...authed(owner).headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompt: '양동이 속 고양이', steps: 2, seed: 5, count: 1 }),
    });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    const done = await stack.waitFor(owner, id, ['succeeded']);
    const [made] = done.images;

    const listed = await eventually(
      async () => {
        const res = await fetch(`${gallery.url}/api/v1/images`, authed(owner));
        const body = (await res.json()) as { items: { id: string; urls: { file: string } }[] };
        return body.items.length === 1 ? body.items : undefined;
      },
      10_000,
      'the image listed',
    );
    expect(listed[0]!.id).toBe(made!.id);
    const key = `images/${owner.userId}/${id}/0.png`;
    expect(await bucket.stat(key)).toMatchObject({ contentType: 'image/png' });

    const redirect = await fetch(`${gallery.url}${listed[0]!.urls.file}`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toContain(`/${BUCKET}/${key}?`);
    const followed = await fetch(`${gallery.url}${listed[0]!.urls.file}`);
    const png = Buffer.from(await followed.arrayBuffer());
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 64, 64]);

    const foreign = await fetch(`${gallery.url}/api/v1/images/${made!.id}/file`, {
      ...authed(other),
      redirect: 'manual',
    });
    expect(foreign.status).toBe(404);
  });
});
