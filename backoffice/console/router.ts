// /console: the agent console and dashboard (static files, no build step). Helmet sets a strict CSP:
// only this origin's scripts, styles and API calls, plus the map tiles' origin for images; no inline script,
// no framing. Leaflet (the request page's map) is served from its npm package, so the built server has it too.
import path from 'node:path';
import express, { Router } from 'express';
import helmet from 'helmet';
import { projectPath } from '../../bot/project-root';

export const CONSOLE_DIR = projectPath('backoffice', 'console', 'public');
/** Leaflet's distribution files (leaflet.js, leaflet.css, images), resolved from the installed package. */
export const LEAFLET_DIR = path.join(path.dirname(require.resolve('leaflet/package.json')), 'dist');
/** Chart.js's distribution files (the dashboard's charts): its main file is in dist/ (no package.json export). */
const CHART_DIR = path.dirname(require.resolve('chart.js'));

export interface MapSettings {
  /** Tile URL template with {z}/{x}/{y} (and optionally {s}). */
  tileUrl: string;
  attribution: string;
}

const DEFAULT_MAP: MapSettings = {
  tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  attribution: '© les contributeurs d’OpenStreetMap',
};

/** The origin images may come from for the tiles ("https://{s}.tile.example" → "https://*.tile.example"). */
export function tileOrigin(tileUrl: string): string {
  const origin = /^(https?:\/\/[^/]+)/.exec(tileUrl)?.[1] ?? '';
  return origin.replace('{s}', '*');
}

export function createConsoleRouter(options: { map?: MapSettings } = {}): Router {
  const map = options.map ?? DEFAULT_MAP;
  const router = Router();
  router.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          // blob: the field teams' photos, fetched with the agent's credentials and shown from memory.
          imgSrc: ["'self'", 'data:', 'blob:', tileOrigin(map.tileUrl)],
          // A caller's voice message, fetched with the console's credentials and played from a blob: URL.
          mediaSrc: ["'self'", 'blob:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      // The token lives in sessionStorage; no referrer leaves the console (nor reaches the tile server).
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-cache');
    next();
  });
  // /console and /console/ both serve the page (its asset URLs are absolute).
  router.get('/', (_req, res) => res.sendFile(path.join(CONSOLE_DIR, 'index.html')));
  // What the request page's map needs (not a secret: the tile server is public).
  router.get('/map-settings.json', (_req, res) => res.json(map));
  router.use('/vendor/leaflet', express.static(LEAFLET_DIR, { index: false, etag: true, redirect: false }));
  router.use('/vendor/chart.js', express.static(CHART_DIR, { index: false, etag: true, redirect: false }));
  router.use(express.static(CONSOLE_DIR, { index: false, etag: true, redirect: false }));
  return router;
}
