import { Client } from 'pg';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-outage';
import { toAppError } from './to-app-error';

/** What node-postgres hands back for a server-side error: a DatabaseError with its SQLSTATE. */
function serverError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: 'FATAL' });
}

/** A real refused connection: nothing listens on port 9 of the loopback. */
async function refusedConnect(): Promise<unknown> {
  const client = new Client({ host: '127.0.0.1', port: 9, connectionTimeoutMillis: 2000 });
  return client.connect().then(
    () => new Error('port 9 answered'),
    (err: unknown) => err,
  );
}

describe('isDatabaseUnavailable', () => {
  it('recognises a refused connection to the server', async () => {
    const err = await refusedConnect();
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(toAppError(err)).toMatchObject({ code: 'DATABASE_UNAVAILABLE', status: 503 });
  });

  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P03', 'the database system is shutting down'],
    ['53300', 'sorry, too many clients already'],
    ['08006', 'connection failure'],
  ])('recognises SQLSTATE %s under a TypeORM QueryFailedError', (code, message) => {
    const err = new QueryFailedError('SELECT 1', [], serverError(code, message));
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    'Connection terminated unexpectedly',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error and is not queryable',
  ])('recognises the pg client failing with "%s"', (message) => {
    expect(isDatabaseUnavailable(new Error(message))).toBe(true);
  });

  it('recognises a connect that failed on every address (AggregateError)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(isDatabaseUnavailable(new AggregateError([refused], 'connect failed'))).toBe(true);
  });

  it.each([
    ['a unique violation', new QueryFailedError('INSERT', [], serverError('23505', 'duplicate'))],
    ['a syntax error', new QueryFailedError('SELEC', [], serverError('42601', 'syntax error'))],
    ['a plain error', new Error('connection to 10.0.0.5 failed: password=secret')],
    [
      'an HTTP upstream that refused (fetch puts the errno in cause)',
      new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }),
    ],
    ['a string', 'ECONNREFUSED'],
  ])('leaves %s alone', (_, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
