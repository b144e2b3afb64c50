import { SERVICE_KEYS } from '@pingvas/contracts';
import { dirname } from 'node:path';
import express, { type Router } from 'express';
import type { EdgeConfig } from './config';
import { mergeOpenApi, type OpenApiDocument, type ServiceDocument } from './openapi-merge';

export const DOCS_PATH = '/api/docs';

/** swagger-ui-dist's files (the package ships no types; only its folder is needed). */
const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));

/** Swagger UI's page, with no inline script (the CSP allows scripts from this origin only). */
const INDEX_HTML = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Pingvas API</title>
    <link rel="stylesheet" href="./swagger-ui.css">
    <link rel="icon" type="image/png" href="./favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="./swagger-ui-bundle.js"></script>
    <script src="./swagger-initializer.js"></script>
  </body>
</html>
`;

/** One document, one Authorize; no call to an outside validator. */
const INITIALIZER_JS = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: './openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
};
`;

async function fetchDocument(url: string, timeoutMs: number): Promise<OpenApiDocument> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${res.status} from ${url}`);
  return (await res.json()) as OpenApiDocument;
}

/** Each service's /docs-json, asked now: a service started later shows up on the next load. */
export async function collectDocuments(config: EdgeConfig): Promise<ServiceDocument[]> {
  return Promise.all(
    SERVICE_KEYS.map(async (service): Promise<ServiceDocument> => {
      try {
        const url = `${config.upstreams[service]}/docs-json`;
        return { service, document: await fetchDocument(url, config.docsTimeoutMs) };
      } catch (err) {
        // fetch's own message is "fetch failed"; the cause says what failed (ECONNREFUSED, ...).
        const cause =
          err instanceof Error ? (err.cause as { code?: string } | undefined) : undefined;
        const reason = cause?.code ?? (err instanceof Error ? err.message : String(err));
        return { service, error: reason };
      }
    }),
  );
}

/** The suite's API reference: Swagger UI (from swagger-ui-dist, no CDN) over the merged document. */
export function apiDocs(config: EdgeConfig): Router {
  const router = express.Router({ strict: true });
  router.get(DOCS_PATH, (_req, res) => res.redirect(301, `${DOCS_PATH}/`));
  router.get(`${DOCS_PATH}/`, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(INDEX_HTML);
  });
  router.get(`${DOCS_PATH}/swagger-initializer.js`, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('js').send(INITIALIZER_JS);
  });
  router.get(`${DOCS_PATH}/openapi.json`, async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(mergeOpenApi(await collectDocuments(config)));
  });
  router.use(DOCS_PATH, express.static(SWAGGER_UI_DIR, { index: false, maxAge: '1h' }));
  return router;
}
