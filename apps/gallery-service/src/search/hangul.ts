/**
 * Initial consonants (초성) of Hangul text, for search like "ㄱㅇㅇ" → 고양이. A precomposed
 * syllable (U+AC00-U+D7A3) is 19 initials × 21 medials × 28 finals; its initial is
 * (code - 0xAC00) / 588. Other characters are kept as they are (lower-cased), so spaces still
 * separate words and mixed text keeps its Latin parts.
 */
const INITIALS = 'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ';
const FIRST_SYLLABLE = 0xac00;
const LAST_SYLLABLE = 0xd7a3;
const PER_INITIAL = 21 * 28;

export function initialConsonants(text: string): string {
  let out = '';
  for (const char of text.toLowerCase()) {
    const code = char.codePointAt(0)!;
    out +=
      code >= FIRST_SYLLABLE && code <= LAST_SYLLABLE
        ? INITIALS[Math.floor((code - FIRST_SYLLABLE) / PER_INITIAL)]
        : char;
  }
  return out;
}

/** A query made only of compatibility consonants (ㄱ-ㅎ) and spaces searches by 초성. */
export function isInitialConsonantQuery(q: string): boolean {
  return /^[\u3131-\u314e\s]+$/u.test(q) && /[\u3131-\u314e]/u.test(q);
}
