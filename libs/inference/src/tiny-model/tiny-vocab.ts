/**
 * The tiny model's CLIP-layout vocabulary: ids 0..255 are the byte-level symbols, 256..511 the
 * same symbols with `</w>`, then one token per merge (in merge order), then the two specials.
 */

export const BOS_TOKEN = '<|startoftext|>';
export const EOS_TOKEN = '<|endoftext|>';
/** Marks the end of a word in CLIP's BPE; the last symbol of every word carries it. */
export const END_OF_WORD = '</w>';

/**
 * GPT-2/CLIP `bytes_to_unicode()`: index i of the result is the symbol of the i-th byte in
 * vocab order (printable bytes first, then the rest shifted to chr(256 + n)); maps byte → symbol.
 */
export function bytesToUnicode(): Map<number, string> {
  const printable: number[] = [];
  const ranges: Array<[number, number]> = [
    [0x21, 0x7e], // '!'..'~'
    [0xa1, 0xac], // '¡'..'¬'
    [0xae, 0xff], // '®'..'ÿ'
  ];
  for (const [from, to] of ranges) for (let b = from; b <= to; b++) printable.push(b);
  const map = new Map<number, string>();
  for (const b of printable) map.set(b, String.fromCodePoint(b));
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!map.has(b)) map.set(b, String.fromCodePoint(256 + n++));
  }
  return map;
}

/** The byte-level symbols of a string, one per UTF-8 byte. */
export function byteSymbols(text: string): string[] {
  const table = bytesToUnicode();
  return [...Buffer.from(text, 'utf8')].map((b) => table.get(b) as string);
}

/** Merges that join the symbols of `word` left to right into one token (the last with `</w>`). */
function mergesForSyllable(word: string, endOfWord: boolean): string[] {
  const symbols = byteSymbols(word);
  if (endOfWord) symbols[symbols.length - 1] += END_OF_WORD;
  const merges: string[] = [];
  let acc = symbols[0];
  for (const next of symbols.slice(1)) {
    merges.push(`${acc} ${next}`);
    acc += next;
  }
  return merges;
}

/**
 * English merges, ordered so that BPE (lowest rank first) builds whole words: "window" comes
 * before "d o" so that `n d` still exists when it is needed.
 *   w i, n d, o w</w>, wi nd, wind ow</w>, t h, th e</w>, c a, ca t</w>, d o, do g</w>,
 *   s i, t s</w>, si ts</w>, o n</w>, r e, re d</w>, o f</w>, n d</w>, a nd</w>, i n</w>,
 *   p h, o t, ph ot, phot o</w>, s n, sn ow</w>, b l, bl u, blu e</w>
 */
const ENGLISH_MERGES = [
  'w i',
  'n d',
  'o w</w>',
  'wi nd',
  'wind ow</w>',
  't h',
  'th e</w>',
  'c a',
  'ca t</w>',
  'd o',
  'do g</w>',
  's i',
  't s</w>',
  'si ts</w>',
  'o n</w>',
  'r e',
  're d</w>',
  'o f</w>',
  'n d</w>',
  'a nd</w>',
  'i n</w>',
  'p h',
  'o t',
  'ph ot',
  'phot o</w>',
  's n',
  'sn ow</w>',
  'b l',
  'bl u',
  'blu e</w>',
];

/**
 * Korean merges over byte-level symbols (each syllable is 3 UTF-8 bytes): 고, 양, 이</w>, then
 * 고+양, 고양+이</w> (고양이 is one token); 창, 가</w>, then 창+가</w> (창가 is one token).
 */
function koreanMerges(): string[] {
  const sym = (s: string, end = false) => byteSymbols(s).join('') + (end ? END_OF_WORD : '');
  return [
    ...mergesForSyllable('고', false),
    ...mergesForSyllable('양', false),
    ...mergesForSyllable('이', true),
    `${sym('고')} ${sym('양')}`,
    `${sym('고양')} ${sym('이', true)}`,
    ...mergesForSyllable('창', false),
    ...mergesForSyllable('가', true),
    `${sym('창')} ${sym('가', true)}`,
  ];
}

/** Vocabulary (token → id, in id order) and merges (rank order) of the tiny model's tokenizer. */
export function tinyVocab(): { vocab: Record<string, number>; merges: string[] } {
  const symbols = [...bytesToUnicode().values()];
  const merges = [...ENGLISH_MERGES, ...koreanMerges()];
  const tokens = [
    ...symbols,
    ...symbols.map((s) => s + END_OF_WORD),
    ...merges.map((m) => m.replace(' ', '')),
    BOS_TOKEN,
    EOS_TOKEN,
  ];
  const vocab: Record<string, number> = {};
  tokens.forEach((token, id) => {
    if (token in vocab) throw new Error(`duplicate tiny vocab token ${token}`);
    vocab[token] = id;
  });
  return { vocab, merges };
}

/** vocab.json with entries in id order (JSON.stringify would put integer-like keys first). */
export function vocabJson(vocab: Record<string, number>): string {
  const entries = Object.entries(vocab).sort((a, b) => a[1] - b[1]);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}\n`;
}

/** merges.txt as CLIP ships it: a version header, then one `a b` pair per line. */
export function mergesTxt(merges: readonly string[]): string {
  return ['#version: 0.2', ...merges].join('\n') + '\n';
}
