import { en } from './en';
import { ko } from './ko';

type Tree = { [key: string]: string | Tree };

/** Every string of a dictionary by its dotted key. */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const variables = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('the Korean and English dictionaries', () => {
  const korean = flatten(ko);
  const english = flatten(en);

  it('have the same keys', () => {
    expect([...english.keys()].sort()).toEqual([...korean.keys()].sort());
  });

  it('fill in the same values in each string ({{name}})', () => {
    const differ = [...korean]
      .filter(([key, text]) => variables(text).join() !== variables(english.get(key) ?? '').join())
      .map(([key]) => key);
    expect(differ).toEqual([]);
  });

  it('leave no string empty', () => {
    const empty = [...korean, ...english].filter(([, text]) => text.trim() === '').map(([k]) => k);
    expect(empty).toEqual([]);
  });
});
