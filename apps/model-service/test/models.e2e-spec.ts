import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@pingvas/common';
import { createTestSchema, type TestSchema } from '@pingvas/database';
import { makeTinyModel } from '@pingvas/inference';
import { RpcClient } from '@pingvas/messaging';
import {
  bootService,
  type RunningApp,
  TEST_DATABASE_URL,
  testEnv,
  uniqueName,
} from '@pingvas/testing';
import { onnx } from 'onnx-proto';
import request from 'supertest';
import { loadModelServiceConfig } from '../src/config';
import { MODEL_DATABASE } from '../src/database';
import { ModelServiceModule } from '../src/model-service.module';
import { TINY_MODEL } from '@pingvas/contracts';
import {
  bootPaymentService,
  type PaymentServiceUnderTest,
} from '../../../test/support/payment-service';
import {
  bootUserService,
  newAccount,
  type Session,
  type UserServiceUnderTest,
} from '../../../test/support/user-service';

/** Renames a graph input (and every use of it): a package a person exported wrongly. */
async function renameUnetInput(file: string, from: string, to: string): Promise<void> {
  const model = onnx.ModelProto.decode(await readFile(file));
  for (const input of model.graph?.input ?? []) if (input.name === from) input.name = to;
  for (const node of model.graph?.node ?? [])
    node.input = (node.input ?? []).map((n) => (n === from ? to : n));
  await writeFile(file, onnx.ModelProto.encode(model).finish());
}

describe('model-service: the model registry', () => {
  const namespace = uniqueName('t');
  const bearer = { type: 'bearer' } as const;
  let modelsDir: string;
  let users: UserServiceUnderTest;
  let payment: PaymentServiceUnderTest;
  let schema: TestSchema;
  let models: RunningApp;
  let admin: Session;
  let user: Session;

  const register = (body: object, token = admin.accessToken) =>
    request(models.url)
      .post('/api/v1/models')
      .auth(token, bearer)
      .send({ ...TINY_MODEL, ...body });

  beforeAll(async () => {
    modelsDir = await mkdtemp(join(tmpdir(), 'pingvas-models-'));
    await makeTinyModel(join(modelsDir, 'tiny-sd'));
    await cp(join(modelsDir, 'tiny-sd'), join(modelsDir, 'no-unet'), { recursive: true });
    await rm(join(modelsDir, 'no-unet', 'unet', 'model.onnx'));
    await cp(join(modelsDir, 'tiny-sd'), join(modelsDir, 'renamed-input'), { recursive: true });
    await renameUnetInput(
      join(modelsDir, 'renamed-input', 'unet', 'model.onnx'),
      'sample',
      'latents',
    );
    await symlink(tmpdir(), join(modelsDir, 'escape-link'));

    users = await bootUserService(namespace, {
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      ADMIN_EMAILS: 'ml@example.com',
    });
    const jwks = { JWKS_URL: `${users.url}/.well-known/jwks.json` };
    payment = await bootPaymentService(namespace, jwks);
    schema = await createTestSchema(TEST_DATABASE_URL, MODEL_DATABASE);
    const config = loadModelServiceConfig(
      testEnv({
        schema: schema.schema,
        namespace,
        extra: { ...jwks, MODELS_DIR: modelsDir, REGISTER_TINY_MODEL: 'true' },
      }),
    );
    models = await bootService(ModelServiceModule.forRoot(config), config);
    [admin, user] = await Promise.all(
      [newAccount({ email: 'ml@example.com' }), newAccount()].map(
        async (a) =>
          (await request(users.url).post('/api/v1/auth/signup').send(a).expect(201))
            .body as Session,
      ),
    );
  });

  afterAll(async () => {
    await models?.close();
    await schema?.drop();
    await payment?.stop();
    await users?.stop();
    await rm(modelsDir, { recursive: true, force: true });
  });

  it('registers the bundled tiny model at start, validated and default', async () => {
    const res = await request(models.url)
      .get('/api/v1/models')
      .auth(admin.accessToken, bearer)
      .expect(200);
    const tiny = res.body.find((m: { name: string }) => m.name === 'tiny-sd');
    expect(tiny).toMatchObject({
      status: 'validated',
      enabled: true,
      isDefault: true,
      problems: [],
      path: 'tiny-sd',
    });
    expect(Object.keys(tiny.hashes)).toEqual(
      expect.arrayContaining([
        'unet/model.onnx',
        'text_encoder/model.onnx',
        'vae_decoder/model.onnx',
      ]),
    );
    expect(tiny.hashes['unet/model.onnx']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('records a package without its UNet as failed, naming the file', async () => {
    const res = await register({ name: 'no-unet', path: 'no-unet' }).expect(201);
    expect(res.body).toMatchObject({ status: 'failed', enabled: false });
    expect(res.body.problems).toContain('unet/model.onnx: missing');
  });

  it('records a UNet with a renamed input as failed, naming the input', async () => {
    const res = await register({ name: 'renamed-input', path: 'renamed-input' }).expect(201);
    expect(res.body.status).toBe('failed');
    expect(res.body.problems.join('\n')).toMatch(
      /unet\/model\.onnx: input "sample" is missing \(found: latents, timestep, encoder_hidden_states\)/,
    );
  });

  it.each(['../../etc', '/etc', 'tiny-sd/../../x', 'escape-link', '.', ''])(
    'refuses the path %p with 400 BAD_MODEL_PATH',
    async (path) => {
      const res = await register({ name: uniqueName('bad').replace(/_/g, '-'), path }).expect(400);
      expect(['BAD_MODEL_PATH', 'VALIDATION_FAILED']).toContain(res.body.code);
      if (path) expect(res.body.code).toBe('BAD_MODEL_PATH');
    },
  );

  it('lets only admins register or change models', async () => {
    await register({ name: 'by-user' }, user.accessToken).expect(403);
    const [tiny] = (
      await request(models.url).get('/api/v1/models').auth(user.accessToken, bearer).expect(200)
    ).body;
    await request(models.url)
      .patch(`/api/v1/models/${tiny.id}`)
      .auth(user.accessToken, bearer)
      .send({ enabled: false })
      .expect(403);
    await request(models.url)
      .delete(`/api/v1/models/${tiny.id}`)
      .auth(user.accessToken, bearer)
      .expect(403);
  });

  it('shows users only enabled, validated models their tier may use', async () => {
    await register({ name: 'pro-only', path: 'tiny-sd', minTier: 'pro' }).expect(201);
    const names = (
      await request(models.url).get('/api/v1/models').auth(user.accessToken, bearer).expect(200)
    ).body.map((m: { name: string }) => m.name);
    expect(names).toEqual(['tiny-sd']);
    const all = (
      await request(models.url).get('/api/v1/models').auth(admin.accessToken, bearer).expect(200)
    ).body;
    expect(all.map((m: { name: string }) => m.name)).toEqual(
      expect.arrayContaining(['tiny-sd', 'no-unet', 'renamed-input', 'pro-only']),
    );
    const failed = all.find((m: { name: string }) => m.name === 'no-unet');
    await request(models.url)
      .get(`/api/v1/models/${failed.id}`)
      .auth(user.accessToken, bearer)
      .expect(404);
    expect(
      (await request(models.url).get(`/api/v1/models/${failed.id}`).auth(user.accessToken, bearer))
        .body.hashes,
    ).toBeUndefined();
  });

  it('keeps the default model: it cannot be disabled or deleted until another is the default', async () => {
    const all = (
      await request(models.url).get('/api/v1/models').auth(admin.accessToken, bearer).expect(200)
    ).body;
    const tiny = all.find((m: { name: string }) => m.name === 'tiny-sd');
    const proOnly = all.find((m: { name: string }) => m.name === 'pro-only');
    const failed = all.find((m: { name: string }) => m.name === 'no-unet');
    await request(models.url)
      .delete(`/api/v1/models/${tiny.id}`)
      .auth(admin.accessToken, bearer)
      .expect(409);
    await request(models.url)
      .patch(`/api/v1/models/${tiny.id}`)
      .auth(admin.accessToken, bearer)
      .send({ enabled: false })
      .expect(409);
    await request(models.url)
      .patch(`/api/v1/models/${failed.id}`)
      .auth(admin.accessToken, bearer)
      .send({ isDefault: true })
      .expect(409);

    await request(models.url)
      .patch(`/api/v1/models/${proOnly.id}`)
      .auth(admin.accessToken, bearer)
      .send({ isDefault: true })
      .expect(200);
    await request(models.url)
      .patch(`/api/v1/models/${tiny.id}`)
      .auth(admin.accessToken, bearer)
      .send({ isDefault: true, cost: { perImage: 2, perStep: 1 } })
      .expect(200);
    await request(models.url)
      .delete(`/api/v1/models/${failed.id}`)
      .auth(admin.accessToken, bearer)
      .expect(204);
  });

  it('resolves models for generation-service over RPC, by tier', async () => {
    const rpc = models.app.get(RpcClient);
    const resolved = await rpc.send('model.models.resolve', { tier: 'free' });
    expect(resolved).toMatchObject({
      name: 'tiny-sd',
      path: 'tiny-sd',
      family: 'sd-turbo',
      defaults: { steps: 4 },
      limits: { maxSide: 512 },
      minTier: 'free',
    });
    const all = (
      await request(models.url).get('/api/v1/models').auth(admin.accessToken, bearer).expect(200)
    ).body;
    const byName = (n: string) => all.find((m: { name: string }) => m.name === n).id;
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: AppError) => e.code,
      );
    expect(
      await codeOf(rpc.send('model.models.resolve', { tier: 'free', modelId: byName('pro-only') })),
    ).toBe('MODEL_TIER_FORBIDDEN');
    expect(
      await codeOf(
        rpc.send('model.models.resolve', { tier: 'studio', modelId: byName('pro-only') }),
      ),
    ).toBe('ok');
    expect(
      await codeOf(
        rpc.send('model.models.resolve', { tier: 'pro', modelId: byName('renamed-input') }),
      ),
    ).toBe('MODEL_DISABLED');
    expect(
      await codeOf(
        rpc.send('model.models.resolve', {
          tier: 'pro',
          modelId: '00000000-0000-4000-8000-000000000000',
        }),
      ),
    ).toBe('MODEL_NOT_FOUND');
    expect(
      await rpc.send('model.models.resolve', { tier: 'pro', modelId: 'pro-only' }),
    ).toMatchObject({ id: byName('pro-only'), name: 'pro-only' });
    expect(
      await codeOf(rpc.send('model.models.resolve', { tier: 'pro', modelId: 'no-such-name' })),
    ).toBe('MODEL_NOT_FOUND');
  });

  it.each([
    ['a bad name', { name: 'Has Spaces' }],
    ['limits upside down', { name: 'upside', limits: { minSide: 512, maxSide: 64, maxSteps: 4 } }],
    ['a negative cost', { name: 'neg', cost: { perImage: -1, perStep: 0 } }],
    ['an unknown tier', { name: 'tierx', minTier: 'gold' }],
    ['extra fields', { name: 'extra', status: 'validated' }],
  ])('refuses %s with 400', async (_, body) => {
    const res = await register(body).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });
});
