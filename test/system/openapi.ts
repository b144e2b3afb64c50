/** The parts of an OpenAPI 3 document that the system tests read. */
export interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  nullable?: boolean;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  allOf?: SchemaObject[];
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: SchemaObject;
}

export interface OperationObject {
  parameters?: ParameterObject[];
  requestBody?: { content: Record<string, { schema: SchemaObject }> };
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  info: { title: string };
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface Operation {
  method: HttpMethod;
  path: string;
  operation: OperationObject;
}

/** Every operation of a document, in a stable order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((m) => item[m]).map((method) => ({
      method,
      path,
      operation: item[method],
    })),
  );
}

/** The `{names}` of a path template. */
export function pathParamsOf(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

/** A schema with its `$ref`s (one level of allOf too) replaced by what they point at. */
export function resolveSchema(doc: OpenApiDocument, schema: SchemaObject): SchemaObject {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`${schema.$ref} is not in the document`);
    return resolveSchema(doc, target);
  }
  if (schema.allOf?.length === 1) return resolveSchema(doc, schema.allOf[0]);
  return schema;
}

/** An operation's JSON body schema, resolved; undefined when it takes no JSON body. */
export function bodySchemaOf(doc: OpenApiDocument, op: OperationObject): SchemaObject | undefined {
  const json = op.requestBody?.content['application/json'];
  return json ? resolveSchema(doc, json.schema) : undefined;
}

/** Whether the operation is documented as needing a bearer credential. */
export function isSecured(op: OperationObject): boolean {
  return (op.security ?? []).some((s) => 'bearer' in s);
}
