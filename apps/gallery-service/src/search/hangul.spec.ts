import { initialConsonants, isInitialConsonantQuery } from './hangul';

describe('initialConsonants', () => {
  it('maps every syllable to its initial consonant and keeps everything else', () => {
    expect(initialConsonants('고양이')).toBe('ㄱㅇㅇ');
    expect(initialConsonants('창가에 앉아 있는 귀여운 고양이')).toBe(
      'ㅊㄱㅇ ㅇㅇ ㅇㄴ ㄱㅇㅇ ㄱㅇㅇ',
    );
    expect(initialConsonants('까치 A Cat, 힣')).toBe('ㄲㅊ a cat, ㅎ');
    expect(initialConsonants('가')).toBe('ㄱ');
  });
});

describe('isInitialConsonantQuery', () => {
  it('is true only for consonant jamo and spaces', () => {
    expect(isInitialConsonantQuery('ㄱㅇㅇ')).toBe(true);
    expect(isInitialConsonantQuery('ㄱㅇㅇ ㅈㅇ')).toBe(true);
    expect(isInitialConsonantQuery('고양이')).toBe(false);
    expect(isInitialConsonantQuery('ㄱㅇㅇ cat')).toBe(false);
    expect(isInitialConsonantQuery('   ')).toBe(false);
    expect(isInitialConsonantQuery('ㅏ')).toBe(false);
  });
});
