// GET /privacy?tenant=… — the full information notice (RGPD art. 13) of a territory as an HTML page:
// controller, purpose, legal basis, retention, rights, contact. Every channel's first reply carries the
// short notice and can point here. Territory text is escaped: it is content, never markup.
import { Router } from 'express';
import { z } from 'zod';
import { escapeHtml } from '../../bot/html';
import type { Territory, TerritoryProvider } from '../../knowledge/territory';

const Query = z.object({
  tenant: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
  lang: z.enum(['fr', 'en']).optional(),
});

/** The territory named by id or by web chat key (what the widget knows); the only one when there is one. */
function territoryOf(territories: TerritoryProvider, key: string | undefined): Territory | undefined {
  const catalog = territories.current();
  if (!key) return catalog.summaries().length === 1 ? catalog.default() : undefined;
  return catalog.get(key) ?? catalog.byWebchatKey(key);
}

const SECTIONS: [keyof Omit<Territory['notice'], 'en'>, string, string][] = [
  ['controller', 'Responsable du traitement', 'Data controller'],
  ['purpose', 'Finalités', 'Purposes'],
  ['legalBasis', 'Base légale', 'Legal basis'],
  ['retention', 'Durées de conservation', 'Retention'],
  ['rights', 'Vos droits', 'Your rights'],
  ['contact', 'Contact', 'Contact'],
];

/**
 * The notice in the citizen's language: French, or English when asked (`lang=en`, the web chat's link for a
 * citizen who chose English). A text the territory has not translated (`notice.en`) is shown in French,
 * marked as such (`lang="fr"`, for screen readers) and announced.
 */
export function renderNotice(territory: Territory, locale: 'fr' | 'en' = 'fr'): string {
  const e = escapeHtml;
  const en = locale === 'en';
  const text = (key: keyof Omit<Territory['notice'], 'en'>): string => {
    const translated = en ? territory.notice.en?.[key] : undefined;
    if (!en || translated) return e(translated ?? territory.notice[key]);
    return `<span lang="fr">${e(territory.notice[key])}</span>`;
  };
  const untranslated = en && SECTIONS.some(([key]) => !territory.notice.en?.[key]);
  const sections = SECTIONS.map(
    ([key, fr, english]) =>
      `    <section>\n      <h2>${e(en ? english : fr)}</h2>\n      <p>${text(key)}</p>\n    </section>`,
  ).join('\n');
  const other = en
    ? `<a href="?tenant=${encodeURIComponent(territory.id)}" lang="fr" hreflang="fr">Version française</a>`
    : `<a href="?tenant=${encodeURIComponent(territory.id)}&amp;lang=en" lang="en" hreflang="en">English version</a>`;
  return `<!doctype html>
<html lang="${en ? 'en' : 'fr'}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${en ? 'Personal data' : 'Données personnelles'} – ${e(territory.name)}</title>
  </head>
  <body>
    <main>
    <p>${other}</p>
    <h1>${en ? 'Your personal data' : 'Protection de vos données personnelles'}</h1>
    <p>${e(territory.name)} — ${en ? 'online assistant, SMS and phone.' : 'assistant en ligne, SMS et téléphone.'}</p>
    <p><strong>${text('shortText')}</strong></p>
${untranslated ? '    <p>Some parts of this notice are published in French only.</p>\n' : ''}${sections}
    <section>
      <h2>${en ? 'Reach us' : 'Nous joindre'}</h2>
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
    res.type('html').send(renderNotice(territory, query.data.lang ?? 'fr'));
  });
  return router;
}
