/** A JSON Schema (draft-07) node, as the charts' values.schema.json files hold them. */
export type Schema = { [keyword: string]: unknown };

export const ref = (definition: string): Schema => ({ $ref: `#/definitions/${definition}` });

/** An object the chart defines: a misspelt key fails `helm template` (deploy/helm/README.md). */
export function closed(
  properties: Record<string, Schema>,
  annotations: { description?: string; required?: string[] } = {},
): Schema {
  return { type: 'object', additionalProperties: false, ...annotations, properties };
}

export const boolean: Schema = { type: 'boolean' };
export const anyObject: Schema = { type: 'object' };

export function integer(minimum: number, maximum?: number): Schema {
  return maximum === undefined
    ? { type: 'integer', minimum }
    : { type: 'integer', minimum, maximum };
}

export const port: Schema = integer(1, 65535);

export function string(pattern: string): Schema {
  return { type: 'string', pattern };
}

export const nonEmptyString: Schema = { type: 'string', minLength: 1 };

/** A definition with some of its properties held tighter (a probe's path, a process's env). */
export function narrowed(definition: string, properties: Record<string, Schema>): Schema {
  return { allOf: [ref(definition), { type: 'object', properties }] };
}
