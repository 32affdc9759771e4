// GET /privacy?tenant=… — the full information notice (RGPD art. 13) of a territory as an HTML page:
// controller, purpose, legal basis, retention, rights, contact. Every channel's first reply carries the
// short notice and can point here. Territory text is escaped: it is content, never markup.
import { Router } from 'express';
import { z } from 'zod';
import type { Territory, TerritoryProvider } from '../../knowledge/territory';

const Query = z.object({
  tenant: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
});

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** The territory named by id or by web chat key (what the widget knows); the only one when there is one. */
function territoryOf(territories: TerritoryProvider, key: string | undefined): Territory | undefined {
  const catalog = territories.current();
  if (!key) return catalog.list().length === 1 ? catalog.default() : undefined;
  return catalog.get(key) ?? catalog.byWebchatKey(key);
}

const SECTIONS: [keyof Territory['notice'], string, string][] = [
  ['controller', 'Responsable du traitement', 'Data controller'],
  ['purpose', 'Finalités', 'Purposes'],
  ['legalBasis', 'Base légale', 'Legal basis'],
  ['retention', 'Durées de conservation', 'Retention'],
  ['rights', 'Vos droits', 'Your rights'],
  ['contact', 'Contact', 'Contact'],
];

export function renderNotice(territory: Territory): string {
  const e = escapeHtml;
  const sections = SECTIONS.map(
    ([key, fr, en]) =>
      `    <section>\n      <h2>${e(fr)} <span lang="en">/ ${e(en)}</span></h2>\n      <p>${e(territory.notice[key])}</p>\n    </section>`,
  ).join('\n');
  return `<!doctype html>
<html lang="fr">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Données personnelles – ${e(territory.name)}</title>
  </head>
  <body>
    <main>
    <h1>Protection de vos données personnelles <span lang="en">/ Your personal data</span></h1>
    <p>${e(territory.name)} — assistant en ligne, SMS et téléphone.</p>
    <p><strong>${e(territory.notice.shortText)}</strong></p>
${sections}
    <section>
      <h2>Nous joindre <span lang="en">/ Reach us</span></h2>
      <p>${e(territory.contact.phone)} · ${e(territory.contact.email)}</p>
    </section>
    </main>
  </body>
</html>
`;
}

function page(status: number, title: string, body: string): string {
  return `<!doctype html>\n<html lang="fr"><head><meta charset="utf-8" /><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p></main></body></html>\n`;
}

export function createPrivacyRouter(territories: TerritoryProvider): Router {
  const router = Router();
  router.get('/privacy', (req, res) => {
    res.set('Cache-Control', 'public, max-age=300');
    const query = Query.safeParse(req.query);
    if (!query.success) {
      res
        .status(400)
        .type('html')
        .send(
          page(
            400,
            'Paramètre invalide / Invalid parameter',
            '?tenant= doit être l’identifiant d’un territoire.',
          ),
        );
      return;
    }
    const territory = territoryOf(territories, query.data.tenant);
    if (!territory) {
      res
        .status(404)
        .type('html')
        .send(
          page(404, 'Territoire inconnu / Unknown territory', 'Indiquez ?tenant=identifiant-du-territoire.'),
        );
      return;
    }
    res.type('html').send(renderNotice(territory));
  });
  return router;
}
