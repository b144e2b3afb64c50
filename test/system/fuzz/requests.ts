import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import {
  bodySchemaOf,
  type OpenApiDocument,
  type Operation,
  pathParamsOf,
  resolveSchema,
  type SchemaObject,
} from '../openapi';
import {
  headerText,
  mutate,
  mutation,
  nested,
  toJsonText,
  weirdValue,
  wireText,
} from './arbitraries';
import type { RawRequest } from './send';

/** What the suite under test knows: real credentials, ids and field values to start from. */
export interface FuzzWorld {
  /** Authorization values that pass the guard (a user's and an admin's token). */
  validAuth: string[];
  /** Authorization values that must not (garbage, forged, expired, unknown API keys, …). */
  badAuth: string[];
  /** Real ids of the caller's and others' resources, and the models'. */
  ids: string[];
  /** Good values by field or parameter name (email, password, planId, variant, …). */
  known: Record<string, fc.Arbitrary<unknown>>;
  webhookSecret: string;
  /** Bodies to start from for operations the document gives no schema (`POST /api/v1/…`). */
  bodies: Record<string, fc.Arbitrary<Record<string, unknown>>>;
}

/** A value its schema accepts, preferring what the world knows for that name. */
function validValue(
  doc: OpenApiDocument,
  schema: SchemaObject,
  name: string,
  world: FuzzWorld,
): fc.Arbitrary<unknown> {
  const s = resolveSchema(doc, schema);
  const known = world.known[name];
  if (known) return known;
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'integer':
      return fc.integer({ min: s.minimum ?? 0, max: Math.min(s.maximum ?? 1000, 2 ** 31) });
    case 'number':
      return fc.double({ min: s.minimum ?? 0, max: s.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(doc, s.items ?? { type: 'string' }, name, world), {
        minLength: 1,
        maxLength: 3,
      });
    case 'object':
      return validObject(doc, s, world);
    default:
      if (s.format === 'uuid') return fc.oneof(fc.constantFrom(...world.ids), fc.uuid());
      if (s.example !== undefined) return fc.constant(s.example);
      return fc.string({
        minLength: Math.max(1, s.minLength ?? 1),
        maxLength: Math.min(s.maxLength ?? 20, 20),
      });
  }
}

function validObject(
  doc: OpenApiDocument,
  schema: SchemaObject,
  world: FuzzWorld,
): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(schema.properties ?? {});
  const model = Object.fromEntries(
    props.map(([name, s]) => [name, validValue(doc, s, name, world)]),
  );
  return fc.record(model, { requiredKeys: schema.required ?? [] }) as fc.Arbitrary<
    Record<string, unknown>
  >;
}

interface Body {
  bytes?: Buffer;
  contentType?: string;
  contentEncoding?: string;
}

const json = (value: unknown, contentType = 'application/json'): Body => ({
  bytes: Buffer.from(toJsonText(value)),
  contentType,
});

/** Bodies of every shape: a near-valid one mutated, other JSON, other media types, broken bytes. */
function bodyArbitrary(doc: OpenApiDocument, op: Operation, world: FuzzWorld): fc.Arbitrary<Body> {
  const schema = bodySchemaOf(doc, op.operation);
  const start = world.bodies[`${op.method.toUpperCase()} ${op.path}`];
  const fields = schema ? Object.keys(schema.properties ?? {}) : ['meta', 'data'];
  const base = schema ? validObject(doc, schema, world) : (start ?? fc.constant({}));
  const mutated = fc
    .tuple(base, fc.array(mutation, { maxLength: 3 }))
    .map(([body, ms]) => mutate(body, fields, ms));
  const shapes: fc.WeightedArbitrary<Body>[] = [
    { weight: schema || start ? 8 : 1, arbitrary: mutated.map((v) => json(v)) },
    { weight: 2, arbitrary: weirdValue.map((v) => json(v)) },
    { weight: 1, arbitrary: fc.constantFrom(32, 33, 5_000).map((n) => json(nested(n))) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          mutated,
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/json; charset=latin1',
            'application/json; charset=utf-16',
            'application/xml',
            'application/json, text/plain',
            '',
          ),
        )
        .map(([v, type]) => json(v, type)),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '{',
          '{"a":',
          '[1,]',
          'nul',
          '\u0000',
          '{"a":1}{',
          '"\\ud800"',
          '\ufeff{}',
          '{"__proto__":{"admin":true}}',
          '{"constructor":{"prototype":{"x":1}}}',
          'a=1&a=2&b[c]=d',
        )
        .map((text) => ({ bytes: Buffer.from(text), contentType: 'application/json' })),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({
        bytes: Buffer.from(b),
        contentType: 'application/json',
        contentEncoding: 'gzip',
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('br', 'compress', 'x-unknown', 'identity')
        .map((e) => ({ ...json({}), contentEncoding: e })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constant(2_000_000)
        .map((n) => ({ bytes: Buffer.alloc(n, 0x20), contentType: 'application/json' })),
    },
    { weight: schema ? 1 : 6, arbitrary: fc.constant<Body>({}) },
  ];
  return fc.oneof(...shapes);
}

function queryArbitrary(
  doc: OpenApiDocument,
  op: Operation,
  world: FuzzWorld,
): fc.Arbitrary<string> {
  const declared = (op.operation.parameters ?? []).filter((p) => p.in === 'query');
  const pairs = declared.map((p) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constant<string[]>([]) },
      {
        weight: 3,
        arbitrary: validValue(doc, p.schema ?? {}, p.name, world).map((v) => [
          `${p.name}=${encodeURIComponent(String(v))}`,
        ]),
      },
      { weight: 2, arbitrary: wireText.map((v) => [`${p.name}=${v}`]) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(wireText, wireText)
          .map(([a, b]) => [`${p.name}=${a}`, `${p.name}=${b}`]),
      },
    ),
  );
  const extra = fc.oneof(
    { weight: 4, arbitrary: fc.constant<string[]>([]) },
    { weight: 1, arbitrary: fc.tuple(wireText, wireText).map(([k, v]) => [`${k}=${v}`]) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        ['__proto__=1'],
        ['constructor[prototype]=1'],
        ['a[b]=c'],
        ['%00=1'],
        ['&&&'],
        ['='],
        ['limit'],
      ),
    },
  );
  return fc.tuple(fc.tuple(...pairs), extra).map(([own, more]) => {
    const all = [...own.flat(), ...more];
    return all.length ? `?${all.join('&')}` : '';
  });
}

function pathArbitrary(op: Operation, world: FuzzWorld): fc.Arbitrary<string> {
  const segments = pathParamsOf(op.path).map((name) =>
    fc.oneof(
      {
        weight: 4,
        arbitrary: (world.known[name] ?? fc.constantFrom(...world.ids)).map((v) =>
          encodeURIComponent(String(v)),
        ),
      },
      { weight: 2, arbitrary: fc.uuid() },
      { weight: 3, arbitrary: wireText },
    ),
  );
  return fc.tuple(...segments).map((values) => {
    let i = 0;
    return op.path.replace(/\{[^}]+\}/g, () => values[i++]);
  });
}

const optionalHeader = (values: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: values });

function headersArbitrary(world: FuzzWorld) {
  const authorization = fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...world.validAuth) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.constantFrom(...world.badAuth) },
    { weight: 1, arbitrary: headerText(60) },
    { weight: 1, arbitrary: headerText(40).map((t) => `Bearer pv_${t}`) },
    { weight: 1, arbitrary: fc.constantFrom(8_000, 20_000).map((n) => `Bearer ${'a'.repeat(n)}`) },
  );
  return fc.record({
    authorization,
    'idempotency-key': optionalHeader(
      fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.:-]{8,128}$/), headerText(200)),
    ),
    'x-request-id': optionalHeader(headerText(300)),
    'x-pingvas-client': optionalHeader(fc.oneof(fc.constant('web'), headerText(20))),
    cookie: optionalHeader(headerText(200)),
    accept: optionalHeader(
      fc.constantFrom('text/event-stream', 'image/png', '*/*', 'application/xml', ';;;'),
    ),
    'x-forwarded-for': optionalHeader(headerText(60)),
    'x-signature': optionalHeader(fc.oneof(headerText(64), fc.stringMatching(/^[0-9a-f]{64}$/))),
  });
}

/** Every request an operation may be sent, as it goes on the wire. */
export function requestArbitrary(
  doc: OpenApiDocument,
  op: Operation,
  world: FuzzWorld,
): fc.Arbitrary<RawRequest> {
  return fc
    .record({
      path: pathArbitrary(op, world),
      query: queryArbitrary(doc, op, world),
      body: bodyArbitrary(doc, op, world),
      headers: headersArbitrary(world),
      signWebhook: fc.boolean(),
    })
    .map(({ path, query, body, headers, signWebhook }) => {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(headers))
        if (value !== undefined) out[name] = value;
      if (body.contentType) out['content-type'] = body.contentType;
      if (body.contentEncoding) out['content-encoding'] = body.contentEncoding;
      // A signed body reaches the webhook handler's own parsing; a garbage one stops at the check.
      if (signWebhook && body.bytes)
        out['x-signature'] = createHmac('sha256', world.webhookSecret)
          .update(body.bytes)
          .digest('hex');
      return {
        method: op.method.toUpperCase(),
        target: `${path}${query}`,
        headers: out,
        body: body.bytes,
      };
    });
}
