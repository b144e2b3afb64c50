import { mergeOpenApi, type OpenApiDocument } from './openapi-merge';

const doc = (
  paths: OpenApiDocument['paths'],
  schemas: Record<string, unknown>,
): OpenApiDocument => ({
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths,
  components: { schemas },
});

const page = (ref: string) => ({
  responses: {
    200: { content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } },
  },
});

describe('mergeOpenApi', () => {
  it('keeps a schema two services define alike once, and renames one they define differently, references included', () => {
    const shared = { type: 'object', properties: { id: { type: 'string' } } };
    const merged = mergeOpenApi([
      {
        service: 'user',
        document: doc(
          { '/api/v1/users/me': { get: { tags: ['users'], ...page('PageDto') } } },
          {
            PageDto: { type: 'object', properties: { items: { $ref: '#/components/schemas/Id' } } },
            Id: shared,
          },
        ),
      },
      {
        service: 'gallery',
        document: doc(
          { '/api/v1/images': { get: { tags: ['images'], ...page('PageDto') } } },
          // Another PageDto, pointing at the same Id schema.
          {
            PageDto: {
              type: 'object',
              properties: { cursor: { $ref: '#/components/schemas/Id' } },
            },
            Id: shared,
          },
        ),
      },
    ]);
    const schemas = merged.components!.schemas!;
    expect(Object.keys(schemas).sort()).toEqual(['Id', 'PageDto', 'PageDto_gallery']);
    const ref = (path: string) =>
      (
        merged.paths[path].get.responses as Record<
          string,
          { content: Record<string, { schema: { $ref: string } }> }
        >
      )['200'].content['application/json'].schema.$ref;
    expect(ref('/api/v1/users/me')).toBe('#/components/schemas/PageDto');
    expect(ref('/api/v1/images')).toBe('#/components/schemas/PageDto_gallery');
    expect(schemas.PageDto_gallery).toEqual({
      type: 'object',
      properties: { cursor: { $ref: '#/components/schemas/Id' } },
    });
  });

  it('leaves out paths the route table does not send to that service', () => {
    const merged = mergeOpenApi([
      {
        service: 'user',
        document: doc(
          {
            '/health': { get: { responses: {} } },
            '/.well-known/jwks.json': { get: { responses: {} } },
            '/api/v1/models': { get: { responses: {} } },
            '/api/v1/auth/login': { post: { responses: {} } },
          },
          {},
        ),
      },
    ]);
    expect(Object.keys(merged.paths)).toEqual(['/api/v1/auth/login']);
    expect(merged.paths['/api/v1/auth/login'].post.tags).toEqual(['user-service']);
  });

  it('names the services that did not answer', () => {
    const merged = mergeOpenApi([{ service: 'model', error: 'ECONNREFUSED' }]);
    expect(merged.paths).toEqual({});
    expect(merged.info.description).toContain('model-service (ECONNREFUSED)');
  });
});
