import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  NotFoundException,
} from '@nestjs/common';
import { AppError } from './app-error';
import { toAppError } from './to-app-error';

describe('toAppError', () => {
  it('keeps an AppError as it is', () => {
    const error = new AppError('CONFLICT', 'taken', { field: 'email' });
    expect(toAppError(error)).toBe(error);
  });

  it.each([
    [new NotFoundException('nope'), 'NOT_FOUND', 404],
    [new ForbiddenException(), 'FORBIDDEN', 403],
    [new BadRequestException('bad'), 'VALIDATION_FAILED', 400],
    [new HttpException('slow down', 429), 'RATE_LIMITED', 429],
  ])('maps Nest HTTP exceptions to a stable code (%#)', (exception, code, status) => {
    const error = toAppError(exception);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
  });

  it('maps body-parser failures to precise codes', () => {
    expect(
      toAppError({ status: 400, type: 'entity.parse.failed', message: 'Unexpected token' }).code,
    ).toBe('MALFORMED_BODY');
    expect(toAppError({ status: 413, type: 'entity.too.large' }).code).toBe('PAYLOAD_TOO_LARGE');
    expect(toAppError({ status: 415, type: 'charset.unsupported' }).code).toBe(
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('hides the text of unexpected errors behind INTERNAL_ERROR', () => {
    const error = toAppError(new Error('connection to 10.0.0.5 failed: password=secret'));
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(error.message).toBe('Internal error');
  });

  it('does not expose the message of a Nest 500', () => {
    const error = toAppError(new HttpException('stack trace here', 500));
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR', message: 'Internal error' });
  });

  it('round-trips through the RPC wire shape', () => {
    const error = new AppError('NOT_FOUND', 'no such image', { id: 'x' });
    expect(AppError.fromRpc(JSON.parse(JSON.stringify(error.toRpc())))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'no such image',
      details: { id: 'x' },
    });
  });
});
