import { DataSource } from 'typeorm';

/**
 * For unit tests: a DataSource that never connects. An in-memory fake of a repository extends
 * the real one on it (`class InMemoryUsers extends UsersRepository`), overrides its public
 * methods, and hands `transaction(fn)` this source's `manager` as a `Tx` no query ever reaches.
 */
export function offlineDataSource(): DataSource {
  return new DataSource({ type: 'postgres' });
}
