import { TimeoutError } from 'rxjs';
import { NO_SUBSCRIBER } from './redis-transport';
import { rpcFailure } from './rpc-errors';

describe('rpcFailure', () => {
  const failure = (err: unknown) => rpcFailure('payment.credits.reserve', err, 3000);

  it("keeps the handler's code, so the caller answers with the same status", () => {
    expect(failure({ code: 'INSUFFICIENT_CREDITS_UNKNOWN', message: 'x' }).code).toBe(
      'UPSTREAM_ERROR',
    );
    expect(failure({ code: 'CONFLICT', message: 'already reserved' })).toMatchObject({
      code: 'CONFLICT',
      status: 409,
      message: 'already reserved',
    });
  });

  it("keeps a handler's DATABASE_UNAVAILABLE: the caller answers 503 with it, not 502", () => {
    expect(failure({ code: 'DATABASE_UNAVAILABLE', message: 'database away' })).toMatchObject({
      code: 'DATABASE_UNAVAILABLE',
      status: 503,
    });
  });

  it('answers 503 when nobody answered in time', () => {
    expect(failure(new TimeoutError())).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      status: 503,
    });
  });

  it('answers 503 when no instance listens or the connection is lost', () => {
    expect(failure(NO_SUBSCRIBER).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(failure('Error: Connection lost. Trying to reconnect...').code).toBe(
      'UPSTREAM_UNAVAILABLE',
    );
    expect(failure(new Error('connect ECONNREFUSED')).code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it("answers 502 for the callee's internal failure", () => {
    expect(failure({ code: 'INTERNAL_ERROR', message: 'Internal error' })).toMatchObject({
      code: 'UPSTREAM_ERROR',
      status: 502,
    });
    expect(failure({ status: 'error', message: 'Internal server error' }).code).toBe(
      'UPSTREAM_ERROR',
    );
  });
});
