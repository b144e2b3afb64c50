import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';
import { AppError } from '../errors/app-error';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/** The `Idempotency-Key` header: absent (when allowed) or 8-128 plain characters; else 400. */
export function idempotencyKey(header: unknown, required: boolean): string | undefined {
  if (header === undefined && !required) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${required ? 'An' : 'The'} Idempotency-Key header must be 8-128 plain characters (letters, digits, _ . : -)`,
    );
  }
  return header;
}

const IdempotencyKeyHeader = createParamDecorator((required: boolean, ctx: ExecutionContext) =>
  idempotencyKey(ctx.switchToHttp().getRequest<Request>().headers['idempotency-key'], required),
);

/**
 * The handler's checked `Idempotency-Key`, documented once. `@Headers('idempotency-key')` with
 * an `@ApiHeader` beside it lists the header twice, under two spellings, once as required.
 */
export function IdempotencyKey(options: {
  required: boolean;
  description: string;
}): ParameterDecorator {
  return (target, method, index) => {
    if (method === undefined) throw new Error('@IdempotencyKey() belongs on a handler parameter');
    const descriptor = Object.getOwnPropertyDescriptor(target, method);
    if (!descriptor) throw new Error(`@IdempotencyKey(): ${String(method)} is not a method`);
    ApiHeader({
      name: 'Idempotency-Key',
      schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source },
      ...options,
    })(target, method, descriptor);
    IdempotencyKeyHeader(options.required)(target, method, index);
  };
}
