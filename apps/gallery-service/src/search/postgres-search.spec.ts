import { escapeLike } from './postgres-search';

describe('escapeLike', () => {
  it('makes %, _ and backslash match themselves', () => {
    expect(escapeLike('100%_off\\now')).toBe('100\\%\\_off\\\\now');
    expect(escapeLike('고양이')).toBe('고양이');
  });
});
