import { wordGrams } from '../images/prompt-search.repository';
import { escapeLike } from './postgres-search';

describe('escapeLike', () => {
  it('makes %, _ and backslash match themselves', () => {
    expect(escapeLike('100%_off\\now')).toBe('100\\%\\_off\\\\now');
    expect(escapeLike('고양이')).toBe('고양이');
  });
});

describe('wordGrams', () => {
  it('asks for the bigrams of a word, or its one character, lower-cased', () => {
    expect(wordGrams('고양이')).toEqual(['고양', '양이']);
    expect(wordGrams('ㄷㄷ')).toEqual(['ㄷㄷ']);
    expect(wordGrams('용')).toEqual(['용']);
    expect(wordGrams('CAT')).toEqual(['ca', 'at']);
    expect(wordGrams('abab')).toEqual(['ab', 'ba']);
  });

  it('leaves out every gram with a character whose lower case PostgreSQL may not share', () => {
    expect(wordGrams('Σx')).toEqual([]);
    expect(wordGrams('aİb')).toEqual([]);
    expect(wordGrams('İ')).toEqual([]);
    expect(wordGrams('ab€c')).toEqual(['ab']);
  });
});
