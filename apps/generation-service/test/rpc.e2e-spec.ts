import { Controller, Get, Module, Param } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { AppError, currentRequestId } from '@pingvas/common';
import { type RpcPattern, type ServiceKey, systemPingPattern } from '@pingvas/contracts';
import { createTestSchema, type TestSchema } from '@pingvas/database';
import { RpcClient, RpcPayload } from '@pingvas/messaging';
import {
  bootService,
  type RunningApp,
  TEST_DATABASE_URL,
  testEnv,
  uniqueName,
} from '@pingvas/testing';
import { IsInt, Min } from 'class-validator';
import request from 'supertest';
import { PAYMENT_SERVICE } from '../../../test/support/payment-service';
import { loadGenerationServiceConfig } from '../src/config';
import { GENERATION_DATABASE } from '../src/database';
import { GenerationServiceModule } from '../src/generation-service.module';

/** Test-only RPC handlers mounted on payment-service: each fails in one documented way. */
class CountDto {
  @IsInt()
  @Min(1)
  count!: number;
}

@Controller()
class CalleeHandlers {
  @MessagePattern('test.fail.notFound')
  notFound(): never {
    throw new AppError('NOT_FOUND', 'No such reservation');
  }

  @MessagePattern('test.fail.crash')
  crash(): never {
    throw new Error('secret internals: password=hunter2');
  }

  @MessagePattern('test.fail.silent')
  silent(): Promise<never> {
    return new Promise(() => undefined);
  }

  @MessagePattern('test.validate')
  validate(@RpcPayload() body: CountDto): { count: number } {
    return { count: body.count };
  }

  @MessagePattern('test.requestId')
  requestId(): { requestId?: string } {
    return { requestId: currentRequestId() };
  }
}

/** Test-only HTTP routes on generation-service that call out over RPC. */
@Controller('probe')
class CallerProbe {
  constructor(private readonly rpc: RpcClient) {}

  @Get('ping/:service')
  ping(@Param('service') service: ServiceKey) {
    return this.rpc.send(systemPingPattern(service), { echo: 'hello' });
  }

  @Get('call/:pattern/:count')
  call(@Param('pattern') pattern: string, @Param('count') count: string) {
    return this.rpc.send(pattern as RpcPattern, { count: Number(count) } as never);
  }
}

describe('RPC between services over the Redis transport', () => {
  const namespace = uniqueName('t');
  let schemas: TestSchema[];
  let payment: RunningApp;
  let generation: RunningApp;

  beforeAll(async () => {
    schemas = await Promise.all([
      createTestSchema(TEST_DATABASE_URL, PAYMENT_SERVICE.database),
      createTestSchema(TEST_DATABASE_URL, GENERATION_DATABASE),
    ]);
    const paymentConfig = PAYMENT_SERVICE.loadConfig(
      testEnv({ schema: schemas[0].schema, namespace }),
    );
    const generationConfig = loadGenerationServiceConfig(
      testEnv({ schema: schemas[1].schema, namespace, extra: { RPC_TIMEOUT_MS: '1000' } }),
    );
    @Module({
      imports: [PAYMENT_SERVICE.module(paymentConfig)],
      controllers: [CalleeHandlers],
    })
    class PaymentUnderTest {}
    @Module({
      imports: [GenerationServiceModule.forRoot(generationConfig)],
      controllers: [CallerProbe],
    })
    class GenerationUnderTest {}
    payment = await bootService({ module: PaymentUnderTest }, paymentConfig);
    generation = await bootService({ module: GenerationUnderTest }, generationConfig);
  });

  afterAll(async () => {
    await generation?.close();
    await payment?.close();
    await Promise.all((schemas ?? []).map((s) => s.drop()));
  });

  it('gets an answer from another service to <service>.system.ping', async () => {
    const res = await request(generation.url).get('/api/v1/probe/ping/payment').expect(200);
    expect(res.body).toEqual({
      service: 'payment-service',
      instanceId: expect.any(String),
      echo: 'hello',
      time: expect.any(String),
    });
  });

  it('fails fast with 503 UPSTREAM_UNAVAILABLE when the called service is not running', async () => {
    const started = Date.now();
    const res = await request(generation.url).get('/api/v1/probe/ping/model').expect(503);
    expect(Date.now() - started).toBeLessThan(3500);
    expect(res.body.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('turns a handler that never answers into 503 UPSTREAM_UNAVAILABLE after the timeout', async () => {
    const started = Date.now();
    const res = await request(generation.url)
      .get('/api/v1/probe/call/test.fail.silent/1')
      .expect(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(res.body).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: expect.stringContaining('1000 ms'),
    });
  });

  it("carries the handler's error code to the caller's HTTP edge with its status", async () => {
    const res = await request(generation.url)
      .get('/api/v1/probe/call/test.fail.notFound/1')
      .expect(404);
    expect(res.body).toMatchObject({
      statusCode: 404,
      code: 'NOT_FOUND',
      message: 'No such reservation',
    });
  });

  it("answers 502 UPSTREAM_ERROR for a handler's unexpected failure, without its internals", async () => {
    const res = await request(generation.url)
      .get('/api/v1/probe/call/test.fail.crash/1')
      .expect(502);
    expect(res.body.code).toBe('UPSTREAM_ERROR');
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
  });

  it('validates RPC payloads like HTTP bodies and reports VALIDATION_FAILED to the caller', async () => {
    await request(generation.url)
      .get('/api/v1/probe/call/test.validate/3')
      .expect(200, { count: 3 });
    const res = await request(generation.url).get('/api/v1/probe/call/test.validate/0').expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it("runs the handler under the caller's request id", async () => {
    const res = await request(generation.url)
      .get('/api/v1/probe/call/test.requestId/1')
      .set('X-Request-Id', 'trace-42')
      .expect(200);
    expect(res.body).toEqual({ requestId: 'trace-42' });
  });
});
