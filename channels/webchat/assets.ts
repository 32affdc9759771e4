// The widget's files (one <script> line embeds it on any site) and the demo page: a mock commune website
// with the widget on it, served at `/`.
import path from 'node:path';
import express, { Router } from 'express';
import { projectPath } from '../../bot/project-root';

export const PUBLIC_DIR = projectPath('channels', 'webchat', 'public');
/** The location map's Leaflet, from the installed package (no CDN: the built server serves it). */
const LEAFLET_DIR = path.join(path.dirname(require.resolve('leaflet/package.json')), 'dist');

/** Embedded on other sites: cacheable for an hour (revalidated with ETag after), loadable cross-origin. */
export function createWebchatAssetsRouter(): Router {
  const router = Router();
  const headers = (res: express.Response) =>
    res.set({
      'Cache-Control': 'public, max-age=3600, stale-while-revalidate=86400',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Access-Control-Allow-Origin': '*',
      'X-Content-Type-Options': 'nosniff',
    });
  router.use(
    '/vendor/leaflet',
    express.static(LEAFLET_DIR, { index: false, etag: true, redirect: false, setHeaders: headers }),
  );
  router.use(
    express.static(PUBLIC_DIR, {
      index: false,
      etag: true,
      lastModified: true,
      setHeaders: headers,
    }),
  );
  return router;
}

const DEMO_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function createDemoSiteRouter(): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.set({
      'Content-Security-Policy': DEMO_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      'Cache-Control': 'no-cache',
    });
    res.sendFile(path.join(PUBLIC_DIR, 'demo.html'));
  });
  // The demo site's accessibility statement (a model each territory adapts), linked by the widget.
  router.get('/accessibilite', (_req, res) => {
    res.set({
      'Content-Security-Policy': DEMO_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      'Cache-Control': 'no-cache',
    });
    res.sendFile(path.join(PUBLIC_DIR, 'accessibilite.html'));
  });
  return router;
}
