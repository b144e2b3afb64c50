import { nestsDeeperThan, unstorableTextFields } from './input-limits';

describe('nestsDeeperThan', () => {
  const nested = (levels: number): unknown =>
    JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

  it('counts the top-level object or array as one level', () => {
    expect(nestsDeeperThan({ a: 1 }, 1)).toBe(false);
    expect(nestsDeeperThan({ a: { b: 1 } }, 1)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(nestsDeeperThan(nested(100_000), 32)).toBe(true);
    expect(nestsDeeperThan(nested(32), 32)).toBe(false);
  });
});

describe('unstorableTextFields', () => {
  it('names every string holding a NUL, by its path', () => {
    expect(
      unstorableTextFields({ ok: 'fine', name: 'a\u0000', tags: ['x', 'y\u0000'], n: { s: '\0' } }),
    ).toEqual(['n.s', 'name', 'tags.1']);
  });

  it('finds a lone surrogate of either half, and lets a pair through', () => {
    expect(unstorableTextFields({ high: 'a\ud83d', low: '\ude00b', pair: '\ud83d\ude00' })).toEqual(
      ['high', 'low'],
    );
  });

  it('names an object key that holds one', () => {
    expect(unstorableTextFields({ defaults: { 'st\u0000eps': 1 } })).toEqual([
      'defaults.st\u0000eps',
    ]);
  });

  it('names a parameter by the root it is given', () => {
    expect(unstorableTextFields('a\u0000b', 'id')).toEqual(['id']);
    expect(unstorableTextFields('plain', 'id')).toEqual([]);
  });

  it('looks only into plain objects and arrays', () => {
    expect(unstorableTextFields(Buffer.from([0, 0]))).toEqual([]);
    expect(unstorableTextFields(new Date(0))).toEqual([]);
  });
});
