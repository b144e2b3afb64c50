import type { RequestHandler } from 'express';

/**
 * The Content-Security-Policy of the web app and the API reference. Scripts and styles come
 * from this origin only (no inline script or <style>, no eval); images also from data: and
 * blob: URLs (previews, generated images); API calls and SSE go to this origin; no page may
 * frame the app.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

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

export const securityHeaders: RequestHandler = (_req, res, next) => {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  next();
};
