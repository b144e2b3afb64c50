import type { RequestHandler } from 'express';

/**
 * Where images come from besides this origin: presigned S3 URLs of the environments' buckets
 * (virtual-hosted, the seeds' region). With STORAGE_DRIVER=s3 gallery-service answers an image
 * request with a redirect there, and img-src applies to a redirect's target too.
 */
export const STORAGE_IMAGE_SOURCE = 'https://*.s3.us-east-1.amazonaws.com';

/**
 * The Content-Security-Policy of the web app and the API reference. Scripts and styles come
 * from this origin only (no inline script or <style>, no eval); images also from data: and
 * blob: URLs (previews, generated images) and from storage (`imageSources` adds a local S3
 * server's origin, e.g. MinIO's); API calls and SSE go to this origin; no page may frame the app.
 */
export function contentSecurityPolicy(imageSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    ["img-src 'self' data: blob:", STORAGE_IMAGE_SOURCE, ...imageSources].join(' '),
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/**
 * Security headers of everything the web origin serves itself (the app, the API reference). The
 * web image's nginx sets the same ones (deploy/docker/web/nginx.conf; test/deploy compares).
 * HSTS is left to the TLS terminator (the Ingress): over plain http a browser ignores it.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** The headers above, with `imageSources` added to img-src (the edge's S3_ENDPOINT, if any). */
export function securityHeaders(imageSources: readonly string[] = []): RequestHandler {
  const headers = {
    ...SECURITY_HEADERS,
    'Content-Security-Policy': contentSecurityPolicy(imageSources),
  };
  return (_req, res, next) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    next();
  };
}
