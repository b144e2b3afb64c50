import fc from 'fast-check';

/**
 * Values a client should never send. Numbers JSON cannot write (1e400, a 30-digit integer) are
 * written as RAW markers that `toJsonText` replaces with the literal.
 */
const literals: string[] = [];
const raw = (literal: string) => {
  let id = literals.indexOf(literal);
  if (id < 0) id = literals.push(literal) - 1;
  return `\u0001RAW:${id}\u0001`;
};

/** Any UTF-16 code unit, lone surrogates and NUL included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

export const hugeString = fc.constantFrom(10_000, 100_000, 400_000).map((n) => 'x'.repeat(n));

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];

/** An object whose own keys are exactly these (`__proto__` included, as JSON.parse makes it). */
export function objectWith(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries)
    Object.defineProperty(object, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return object;
}

const protoObject = fc
  .tuple(fc.constantFrom(...PROTO_KEYS), fc.jsonValue({ maxDepth: 2 }))
  .map(([key, value]) => objectWith([[key, value]]));

/** `{"a":[{"a":[…1…]}]}`, n levels, as a RAW literal (JSON.stringify would overflow on it). */
export const nested = (levels: number): string => {
  const open = Array.from({ length: levels }, (_, i) => (i % 2 ? '[' : '{"a":')).join('');
  const close = Array.from({ length: levels }, (_, i) => (i % 2 ? ']' : '}'))
    .reverse()
    .join('');
  return raw(`${open}1${close}`);
};

export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, -0, 1.5, 2 ** 53, -(2 ** 31), 1e308, ''),
  fc.constantFrom(' ', '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\u202e', '\ufeff', '%00'),
  fc.constantFrom('null', 'true', '0', '-1', 'NaN', '1e400', '2020-13-45T99:99:99Z'),
  fc.constantFrom(raw('1e400'), raw('-1e400'), raw('123456789012345678901234567890')),
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: codeUnit, maxLength: 10 }),
  hugeString,
  fc.uuid(),
  fc.constantFrom([], {}, [[]], [null]),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  protoObject,
  fc.constantFrom(31, 33, 100).map((levels) => nested(levels)),
);

const weirdKey = fc.oneof(
  fc.constantFrom(...PROTO_KEYS, '', ' ', 'a.b', '$where', '\u0000', 'admin', 'role', 'userId'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

export type Mutation =
  | { kind: 'set'; pick: number; value: unknown }
  | { kind: 'delete'; pick: number }
  | { kind: 'add'; key: string; value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: weirdValue }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('add' as const), key: weirdKey, value: weirdValue }),
  },
);

/** The body with the mutations applied; `fields` are the names its schema knows. */
export function mutate(body: unknown, fields: string[], mutations: Mutation[]): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const entries = Object.entries(body as Record<string, unknown>);
  const index = new Map(entries);
  for (const m of mutations) {
    if (m.kind === 'add') index.set(m.key, m.value);
    else if (fields.length > 0) {
      const field = fields[m.pick % fields.length];
      if (m.kind === 'set') index.set(field, m.value);
      else index.delete(field);
    }
  }
  return objectWith([...index.entries()]);
}

/** JSON text of a value, with the RAW markers turned into their literals. */
export function toJsonText(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.replace(/"\\u0001RAW:(\d+)\\u0001"/g, (_, id: string) => literals[Number(id)]);
}

/** Header values as a client can send them (HTTP forbids CR, LF and NUL; latin-1 passes). */
export const headerText = (maxLength: number) =>
  fc.string({
    unit: fc
      .oneof(
        { weight: 9, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
        { weight: 1, arbitrary: fc.constantFrom(0x09, 0x80, 0xa0, 0xff) },
      )
      .map((c) => String.fromCharCode(c)),
    maxLength,
  });

/** A path segment or query value as it goes on the wire: usually encoded, sometimes broken. */
export const wireText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '%00',
      'a%00b',
      '%E0%A4%A',
      '%',
      '%ZZ',
      '%ED%A0%80',
      '%C0%AF',
      '%FF%FE',
      '..',
      '%2e%2e',
      '..%2F..',
      '%2F',
      'null',
      'undefined',
      '0',
      '-1',
      '1e400',
      'NaN',
      '%20',
      '__proto__',
      'constructor',
      '00000000-0000-0000-0000-000000000000',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(1_000, 7_000).map((n) => 'a'.repeat(n)) },
);
