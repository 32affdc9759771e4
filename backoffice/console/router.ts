// /console: the agent console and dashboard (static files, no build step). Helmet sets a strict CSP:
// only this origin's scripts, styles and API calls; no inline script, no framing.
import path from 'node:path';
import express, { Router } from 'express';
import helmet from 'helmet';
import { projectPath } from '../../bot/project-root';

export const CONSOLE_DIR = projectPath('backoffice', 'console', 'public');

export function createConsoleRouter(): Router {
  const router = Router();
  router.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      // The token lives in sessionStorage; no referrer leaves the console.
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-cache');
    next();
  });
  // /console and /console/ both serve the page (its asset URLs are absolute).
  router.get('/', (_req, res) => res.sendFile(path.join(CONSOLE_DIR, 'index.html')));
  router.use(express.static(CONSOLE_DIR, { index: false, etag: true, redirect: false }));
  return router;
}
