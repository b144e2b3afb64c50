import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClipTokenizer, parseMerges } from './clip-tokenizer';

/**
 * Fixture in CLIP's real vocab layout (written here, independent of the implementation):
 *   0..255    the byte-level symbols in bytes_to_unicode() order: printable bytes first
 *             (0x21..0x7e → id b-33, 0xa1..0xac → id b-67, 0xae..0xff → id b-68),
 *             then the others in byte order (0x00..0x20 → 188+b, 0x7f..0xa0 → b+94, 0xad → 255);
 *   256..511  the same symbols + "</w>";
 *   512..521  one token per merge, in merge order (MERGES below);
 *   522, 523  <|startoftext|>, <|endoftext|>.
 */
function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (const [from, to] of [
    [0x21, 0x7e],
    [0xa1, 0xac],
    [0xae, 0xff],
  ]) {
    for (let b = from; b <= to; b++) bs.push(b);
  }
  const symbols = new Array<string>(256);
  const order: string[] = bs.map((b) => String.fromCharCode(b));
  for (const b of bs) symbols[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (symbols[b] === undefined) {
      symbols[b] = String.fromCharCode(256 + n++);
      order.push(symbols[b]);
    }
  }
  return order; // vocab order, not byte order
}

/**
 * Korean syllables are 3 UTF-8 bytes, shown as byte-level symbols:
 *   고 = EA B3 A0 → ê ³ ł    양 = EC 96 91 → ì ĸ ĳ    이 = EC 9D B4 → ì Ŀ ´
 * (0xA0 → ł, 0x96 → ĸ, 0x91 → ĳ, 0x9D → Ŀ are the shifted non-printables chr(256+n)).
 */
const MERGES = [
  'c a', // 512 "ca"
  'ca t</w>', // 513 "cat</w>"
  'ê ³', // 514 first two bytes of 고
  'ê³ ł', // 515 고
  'ì ĸ', // 516 first two bytes of 양
  'ìĸ ĳ', // 517 양
  'ì Ŀ', // 518 first two bytes of 이 (and of 의 = EC 9D 98)
  'ìĿ ´</w>', // 519 이</w>
  'ê³ł ìĸĳ', // 520 고양
  'ê³łìĸĳ ìĿ´</w>', // 521 고양이</w>
];

const BOS = 522;
const EOS = 523;
const BANG_PAD = 0; // "!" is byte 0x21 → id 0: SD 2.x / SD-Turbo pad with it

function fixtureVocab(): Record<string, number> {
  const order = bytesToUnicode();
  const tokens = [
    ...order,
    ...order.map((s) => `${s}</w>`),
    ...MERGES.map((m) => m.replace(' ', '')),
    '<|startoftext|>',
    '<|endoftext|>',
  ];
  return Object.fromEntries(tokens.map((t, i) => [t, i]));
}

/** SD-Turbo's tokenizer_config.json shape (AddedToken objects, pad "!"). */
const SD_TURBO_CONFIG = {
  add_prefix_space: false,
  bos_token: {
    __type: 'AddedToken',
    content: '<|startoftext|>',
    lstrip: false,
    normalized: true,
    rstrip: false,
    single_word: false,
  },
  do_lower_case: true,
  eos_token: {
    __type: 'AddedToken',
    content: '<|endoftext|>',
    lstrip: false,
    normalized: true,
    rstrip: false,
    single_word: false,
  },
  errors: 'replace',
  model_max_length: 77,
  pad_token: '!',
  tokenizer_class: 'CLIPTokenizer',
  unk_token: {
    __type: 'AddedToken',
    content: '<|endoftext|>',
    lstrip: false,
    normalized: true,
    rstrip: false,
    single_word: false,
  },
};

/** [bos, ...body, eos] padded with `pad` to 77. */
function framed(body: number[], pad = BANG_PAD): number[] {
  const ids = [BOS, ...body, EOS];
  return [...ids, ...new Array<number>(77 - ids.length).fill(pad)];
}

describe('ClipTokenizer', () => {
  let dir: string;
  let tokenizer: ClipTokenizer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clip-tokenizer-'));
    await writeFile(join(dir, 'vocab.json'), JSON.stringify(fixtureVocab()));
    await writeFile(join(dir, 'merges.txt'), `#version: 0.2\n${MERGES.join('\n')}\n`);
    await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(SD_TURBO_CONFIG));
    tokenizer = await ClipTokenizer.fromDirectory(dir);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const encode = (text: string): number[] => [...tokenizer.encode(text)];

  it('reads the fixture layout', () => {
    expect(tokenizer.maxLength).toBe(77);
    expect([tokenizer.bosId, tokenizer.eosId, tokenizer.padId]).toEqual([BOS, EOS, BANG_PAD]);
  });

  it('encodes "a cat"', () => {
    // "a" → a</w> = 256 + ('a' 0x61 - 33 = 64) = 320.
    // "cat" → c a t</w> → (c a, rank 0) ca t</w> → (ca t</w>, rank 1) cat</w> = 513.
    expect(encode('a cat')).toEqual(framed([320, 513]));
  });

  it('answers a repeated prompt from its cache with a copy the caller may change', () => {
    const first = tokenizer.encode('a cat');
    first.fill(0);
    expect([...tokenizer.encode('a cat')]).toEqual(framed([320, 513]));
    expect(tokenizer.encode('a cat')).not.toBe(tokenizer.encode('a cat'));
  });

  it('lower-cases and collapses whitespace', () => {
    // "CAT  cat" → "cat cat" → cat</w>, cat</w>.
    expect(encode('CAT  cat')).toEqual(framed([513, 513]));
    expect(encode('  \tCAT\n cat  ')).toEqual(framed([513, 513]));
  });

  it('falls back to byte symbols for a word with no merges', () => {
    // "dog": no merge applies → d (0x64-33 = 67), o (0x6f-33 = 78), g</w> (256 + 0x67-33 = 326).
    expect(encode('dog')).toEqual(framed([67, 78, 326]));
  });

  it('merges 고양이 into one token', () => {
    // ê ³ ł ì ĸ ĳ ì Ŀ ´</w>: ranks 2,3 build 고, 4,5 양, 6,7 이</w>, 8 고양, 9 고양이</w> = 521.
    expect(encode('고양이')).toEqual(framed([521]));
    // NFC: the decomposed-jamo spelling is composed first, so it is the same token.
    expect(encode('고양이'.normalize('NFD'))).toEqual(framed([521]));
  });

  it('falls back to bytes for unmerged Korean', () => {
    // 창 = EC B0 BD → ì ° ½ (0xEC-68 = 168, 0xB0-68 = 108, 0xBD-68 = 121);
    // 가 = EA B0 80 → ê ° Ģ (0xEA-68 = 166, 108, 0x80+94 = 222);
    // 의 = EC 9D 98 → ì Ŀ ĺ</w>: only "ì Ŀ" (rank 6) applies → 518, then ĺ</w> = 256 + (0x98+94) = 502.
    // "ê °" is not a merge (only "ê ³"), so 가 stays three bytes. Then 고양이 = 521.
    expect(encode('창가의 고양이')).toEqual(framed([168, 108, 121, 166, 108, 222, 518, 502, 521]));
  });

  it('splits punctuation, contractions and digits like CLIP', () => {
    // "cat," → cat</w> 513, ",</w>" = 256 + (0x2c-33 = 11) = 267;
    // "cat's" → cat</w> 513, then "'s": ' (0x27-33 = 6), s</w> (256 + 0x73-33 = 338);
    // "cat..." → cat</w> 513, "..." is one piece: . . .</w> = 13, 13, 256+13 = 269.
    expect(encode("cat, cat's cat...")).toEqual(framed([513, 267, 513, 6, 338, 513, 13, 13, 269]));
    // Digits are single pieces: 1</w> = 256+16 = 272, 2</w> = 273; "cats" → (c a) ca t s</w> = 512, 83, 338.
    expect(encode('12 cats')).toEqual(framed([272, 273, 512, 83, 338]));
  });

  it('treats the pad token "!" as a special token, as transformers does for SD 2.x', () => {
    // tokenizer_config's pad_token "!" is an added token, so "!" is split out before BPE and
    // becomes id 0 rather than "!</w>" = 256 (diffusers issue #4153). "wow" = w o w</w> = 86, 78, 342.
    expect(encode('wow!')).toEqual(framed([86, 78, 342, 0]));
  });

  it('pads with the pad id', () => {
    const ids = encode('a cat');
    expect(ids).toHaveLength(77);
    expect(ids.slice(4)).toEqual(new Array<number>(73).fill(BANG_PAD));
  });

  it('truncates a long prompt to 77 ids ending with eos', () => {
    // 100 × cat</w>: bos + the first 75 + eos = 77, no room for padding.
    const ids = encode('cat '.repeat(100));
    expect(ids).toHaveLength(77);
    expect(ids).toEqual([BOS, ...new Array<number>(75).fill(513), EOS]);
    // A 3-token word straddling the cut keeps only what fits: 74 × cat</w> + "dog" → 67, then eos.
    expect(encode(`${'cat '.repeat(74)}dog`)).toEqual([
      BOS,
      ...new Array<number>(74).fill(513),
      67,
      EOS,
    ]);
  });

  it('encodes the empty string as bos, eos and padding', () => {
    expect(encode('')).toEqual(framed([]));
    expect(encode(' \n\t ')).toEqual(framed([]));
  });

  it('pads with eos for an SD 1.x config and keeps "!" a normal symbol', () => {
    // SD 1.x: pad_token <|endoftext|>, so "!" → "!</w>" = 256 + 0 = 256 and padding is 523.
    const sd1 = ClipTokenizer.fromVocab(fixtureVocab(), MERGES, {
      model_max_length: 77,
      bos_token: '<|startoftext|>',
      eos_token: '<|endoftext|>',
      unk_token: '<|endoftext|>',
      pad_token: '<|endoftext|>',
    });
    expect([...sd1.encode('wow!')]).toEqual(framed([86, 78, 342, 256], EOS));
  });

  it('maps symbols missing from the vocabulary to the unk token', () => {
    // Without "d" in the vocab, "dog" → unk (<|endoftext|> = 523), o 78, g</w> 326.
    const vocab = fixtureVocab();
    delete vocab['d'];
    const sparse = ClipTokenizer.fromVocab(vocab, MERGES, SD_TURBO_CONFIG);
    expect([...sparse.encode('dog')]).toEqual(framed([EOS, 78, 326]));
  });

  it('parses merges.txt without its header', () => {
    expect(parseMerges('#version: 0.2\nc a\r\nca t</w>\n\n')).toEqual(['c a', 'ca t</w>']);
  });
});
