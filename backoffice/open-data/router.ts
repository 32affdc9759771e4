// The public face of a territory, served without sign-in: /territoire/{id}/ (the page, and carte.json for its
// map) and /open-data/{id}/ (requests-daily and satisfaction .csv, .json, .schema.json, datapackage.json,
// licence.txt). Nothing
// here reads a request, a contact or a conversation: only the publisher's aggregates and blurred positions.
import express, { Router, type Request, type Response } from 'express';
import helmet from 'helmet';
import { z } from 'zod';
import { projectPath } from '../../bot/project-root';
import type { TerritoryProvider } from '../../knowledge/territory';
import { LEAFLET_DIR, tileOrigin, type MapSettings } from '../console/router';
import {
  DATASET,
  dataPackage,
  licenceText,
  SATISFACTION_DATASET,
  satisfactionCsv,
  satisfactionJson,
  satisfactionSchema,
  tableSchema,
  toCsv,
  toJson,
} from './export';
import { renderPublicPage } from './page';
import type { OpenDataPublisher } from './publisher';

const ASSETS_DIR = projectPath('backoffice', 'open-data', 'public');
const TenantId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
/** The files change once a day; an hour of caching spares the server and keeps reusers close to it. */
const FILE_CACHE = 'public, max-age=3600';

function notFoundPage(res: Response): void {
  res
    .status(404)
    .type('html')
    .send(
      `<!doctype html>\n<html lang="fr"><head><meta charset="utf-8"><title>Territoire inconnu</title></head><body><main><h1>Territoire inconnu</h1><p>Aucun territoire ne porte ce nom.</p></main></body></html>\n`,
    );
}

export function createOpenDataRouter(options: {
  publisher: OpenDataPublisher;
  territories: TerritoryProvider;
  map: MapSettings;
}): Router {
  const { publisher, territories, map } = options;
  const router = Router();
  const territoryOf = (req: Request) => {
    const id = TenantId.safeParse(req.params.tenant);
    return id.success ? territories.current().get(id.data) : undefined;
  };

  const page = Router();
  page.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', tileOrigin(map.tileUrl)],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  page.use('/assets/leaflet', express.static(LEAFLET_DIR, { index: false, redirect: false, maxAge: '1d' }));
  page.use('/assets', express.static(ASSETS_DIR, { index: false, redirect: false, maxAge: '1h' }));
  page.get(['/:tenant', '/:tenant/'], async (req, res) => {
    const territory = territoryOf(req);
    const snapshot = territory && publisher.snapshot(territory.id);
    if (!territory || !snapshot) return notFoundPage(res);
    res
      .set('Cache-Control', 'public, max-age=300')
      .type('html')
      .send(renderPublicPage(territory, await snapshot, map));
  });
  page.get('/:tenant/carte.json', async (req, res) => {
    const territory = territoryOf(req);
    const points = territory && publisher.map(territory.id);
    if (!territory || !points)
      return void res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such territory' } });
    res.set('Cache-Control', 'public, max-age=60').json(await points);
  });
  router.use('/territoire', page);

  const files = Router();
  files.use(
    helmet({
      contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      // Open data: any site may fetch it.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    }),
  );
  files.use((_req, res, next) => {
    res.set('Access-Control-Allow-Origin', '*');
    next();
  });
  const serve =
    (
      render: (
        snapshot: Awaited<ReturnType<OpenDataPublisher['snapshot']>> & object,
      ) => [string, string | object],
    ) =>
    async (req: Request, res: Response) => {
      const territory = territoryOf(req);
      const snapshot = territory && publisher.snapshot(territory.id);
      if (!territory || !snapshot)
        return void res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such territory' } });
      const [type, body] = render(await snapshot);
      res.set('Cache-Control', FILE_CACHE).type(type);
      if (typeof body === 'string') res.send(body);
      else res.json(body);
    };
  files.get(
    `/:tenant/${DATASET}.csv`,
    serve((s) => ['text/csv; charset=utf-8', toCsv(s)]),
  );
  files.get(
    `/:tenant/${DATASET}.json`,
    serve((s) => ['application/json', toJson(s)]),
  );
  files.get(
    `/:tenant/${DATASET}.schema.json`,
    serve((s) => ['application/json', tableSchema(s.k)]),
  );
  files.get(
    `/:tenant/${SATISFACTION_DATASET}.csv`,
    serve((s) => ['text/csv; charset=utf-8', satisfactionCsv(s)]),
  );
  files.get(
    `/:tenant/${SATISFACTION_DATASET}.json`,
    serve((s) => ['application/json', satisfactionJson(s)]),
  );
  files.get(
    `/:tenant/${SATISFACTION_DATASET}.schema.json`,
    serve((s) => ['application/json', satisfactionSchema(s.k)]),
  );
  files.get(
    '/:tenant/datapackage.json',
    serve((s) => ['application/json', dataPackage(s)]),
  );
  files.get(
    '/:tenant/licence.txt',
    serve((s) => ['text/plain; charset=utf-8', licenceText(s)]),
  );
  files.get(['/:tenant', '/:tenant/'], (req, res) => {
    const territory = territoryOf(req);
    if (!territory) return notFoundPage(res);
    res.redirect(302, `/territoire/${encodeURIComponent(territory.id)}/#donnees`);
  });
  router.use('/open-data', files);
  return router;
}
