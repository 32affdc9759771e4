// The public page of a territory (/territoire/{id}/): what citizens asked over the last 12 months and how it was
// handled, with nothing about any one person — the snapshot's totals (small counts hidden), the map of open
// public-space reports (blurred positions, category, state and day only), and the open-data files. Server-rendered
// HTML, French, readable without JavaScript; the bars are drawn in SVG next to the figures in the same table cells.
import type { Territory } from '../../knowledge/territory';
import { escapeHtml as e } from '../../bot/html';
import type { OpenDataSnapshot, Total } from './dataset';
import { DATASET, LICENCE } from './export';

const PAGE_ASSETS = '/territoire/assets';

// Built once: a formatter costs tens of microseconds to build, and `number` formats every figure of the page.
const DAY_FORMAT = new Intl.DateTimeFormat('fr-FR', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const NUMBER_FORMAT = new Intl.NumberFormat('fr-FR');

const frenchDay = (day: string): string => DAY_FORMAT.format(new Date(`${day}T00:00:00Z`));

const frenchInstant = (iso: string, timeZone: string): string =>
  new Intl.DateTimeFormat('fr-FR', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(new Date(iso));

const number = (n: number): string => NUMBER_FORMAT.format(n);

/** "18 h", "3,5 jours". */
export function duration(hours: number | null): string {
  if (hours === null) return '—';
  if (hours < 48) return `${number(Math.round(hours * 10) / 10)} h`;
  return `${number(Math.round((hours / 24) * 10) / 10)} jours`;
}

/** A hidden count: below k, or hidden so that another one cannot be recomputed. */
const HIDDEN = 'non publié';
const count = (n: number | null): string => (n === null ? HIDDEN : number(n));

function bar(n: number | null, max: number): string {
  const width = n === null || max === 0 ? 0 : Math.max(1, Math.round((n / max) * 100));
  return `<svg class="barre" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect width="${width}" height="10"></rect></svg>`;
}

function table(caption: string, head: string, totals: readonly Total[], k: number, medians: boolean): string {
  if (totals.length === 0) return `<p>Aucune demande sur la période.</p>`;
  const max = Math.max(0, ...totals.map((t) => t.requests ?? 0));
  const rows = totals
    .map(
      (t) => `<tr>
  <th scope="row">${e(t.label)}</th>
  <td class="nombre"><span class="valeur">${count(t.requests)}</span>${bar(t.requests, max)}</td>
  <td class="nombre">${t.requests === null ? '—' : count(t.resolved)}</td>${
    medians ? `\n  <td class="nombre">${duration(t.medianResolutionHours)}</td>` : ''
  }
</tr>`,
    )
    .join('\n');
  // Focusable, so a keyboard can scroll it on a narrow screen.
  return `<div class="defilement" tabindex="0" role="region" aria-label="${e(caption)}"><table>
<caption>${e(caption)}</caption>
<thead><tr><th scope="col">${e(head)}</th><th scope="col">Demandes</th><th scope="col">Résolues</th>${
    medians ? '<th scope="col">Délai médian de résolution</th>' : ''
  }</tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}

export function renderPublicPage(
  territory: Territory,
  snapshot: OpenDataSnapshot,
  map: { tileUrl: string; attribution: string },
): string {
  const k = snapshot.k;
  const t = snapshot.total;
  const base = `/open-data/${encodeURIComponent(territory.id)}`;
  const centre = territory.center ?? { lat: 46.6, lon: 2.4 };
  const share =
    t.requests && t.resolved !== null ? `${number(Math.round((t.resolved / t.requests) * 100))} %` : '—';
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Les demandes des usagers – ${e(territory.name)}</title>
<link rel="stylesheet" href="${PAGE_ASSETS}/leaflet/leaflet.css">
<link rel="stylesheet" href="${PAGE_ASSETS}/territoire.css">
<link rel="alternate" type="text/csv" href="${base}/${DATASET}.csv" title="Données ouvertes (CSV)">
</head>
<body>
<a class="evitement" href="#contenu">Aller au contenu</a>
<header>
<p class="territoire">${e(territory.name)}</p>
<h1>Les demandes des usagers et leur traitement</h1>
<p>Sur les 12 derniers mois : du ${frenchDay(snapshot.fromDay)} au ${frenchDay(snapshot.toDay)}. Chiffres mis à jour le ${frenchInstant(snapshot.generatedAt, snapshot.timeZone)}.</p>
<nav aria-label="Sur cette page"><ul>
<li><a href="#categories">Par catégorie</a></li>
<li><a href="#communes">Par commune</a></li>
<li><a href="#mois">Par mois</a></li>
<li><a href="#satisfaction">Satisfaction</a></li>
<li><a href="#carte">Carte des signalements en cours</a></li>
<li><a href="#donnees">Données ouvertes</a></li>
</ul></nav>
</header>
<main id="contenu">
<section aria-labelledby="essentiel-titre">
<h2 id="essentiel-titre">L’essentiel</h2>
<dl class="chiffres">
<div><dt>Demandes reçues</dt><dd>${count(t.requests)}</dd></div>
<div><dt>Demandes résolues</dt><dd>${share}</dd></div>
<div><dt>Délai médian de résolution</dt><dd>${duration(t.medianResolutionHours)}</dd></div>
</dl>
<p class="note">Secret statistique : un nombre inférieur à ${k} n’est jamais publié, pour que personne ne puisse être reconnu, ni un nombre qui permettrait de le retrouver par différence (« ${HIDDEN} »). Le délai de résolution va du dépôt de la demande à sa résolution.</p>
</section>
<section id="categories" aria-labelledby="categories-titre">
<h2 id="categories-titre">Par catégorie</h2>
${table('Demandes par catégorie sur 12 mois', 'Catégorie', snapshot.byCategory, k, true)}
</section>
<section id="communes" aria-labelledby="communes-titre">
<h2 id="communes-titre">Par commune</h2>
${table('Demandes par commune sur 12 mois', 'Commune', snapshot.byCommune, k, false)}
</section>
<section id="mois" aria-labelledby="mois-titre">
<h2 id="mois-titre">Par mois</h2>
${table('Demandes par mois de dépôt', 'Mois', snapshot.byMonth, k, false)}
</section>
<section id="satisfaction" aria-labelledby="satisfaction-titre">
<h2 id="satisfaction-titre">Satisfaction des usagers</h2>
${satisfactionSection(snapshot, k)}
</section>
<section id="carte" aria-labelledby="carte-titre">
<h2 id="carte-titre">Carte des signalements en cours</h2>
<p>Les signalements sur l’espace public qui ne sont pas encore résolus. Chaque point est placé au centre d’un carré d’environ 50 m qui contient le lieu signalé ; seuls la catégorie, l’état et la date de dépôt sont indiqués.</p>
<div id="carte-signalements" class="carte" data-points="/territoire/${encodeURIComponent(territory.id)}/carte.json" data-lat="${centre.lat}" data-lon="${centre.lon}" data-tuiles="${e(map.tileUrl)}" data-attribution="${e(map.attribution)}" role="region" aria-label="Carte interactive : flèches pour se déplacer, + et − pour zoomer"></div>
<p id="carte-etat" class="note" role="status">La carte a besoin de JavaScript ; la liste ci-dessous donne les mêmes signalements.</p>
<details id="carte-liste"><summary>Liste des signalements en cours</summary><div class="defilement" tabindex="0" role="region" aria-label="Signalements en cours"><table><caption>Signalements en cours</caption><thead><tr><th scope="col">Catégorie</th><th scope="col">État</th><th scope="col">Déposé le</th></tr></thead><tbody></tbody></table></div></details>
</section>
<section id="donnees" aria-labelledby="donnees-titre">
<h2 id="donnees-titre">Données ouvertes</h2>
<p>Les mêmes chiffres, jour par jour, par catégorie, commune et canal, mis à jour chaque jour, sous <a href="${LICENCE.path}">${e(LICENCE.title)}</a>.</p>
<ul>
<li><a href="${base}/${DATASET}.csv">Fichier CSV</a></li>
<li><a href="${base}/${DATASET}.json">Fichier JSON</a></li>
<li><a href="${base}/${DATASET}.schema.json">Schéma des données (Table Schema)</a></li>
<li><a href="${base}/datapackage.json">Description du jeu de données (Data Package)</a></li>
<li><a href="${base}/licence.txt">Licence</a></li>
</ul>
</section>
</main>
<script src="${PAGE_ASSETS}/leaflet/leaflet.js"></script>
<script src="${PAGE_ASSETS}/carte.js"></script>
</body>
</html>
`;
}

/**
 * The answers to "Êtes-vous satisfait(e) ? Répondez de 1 à 5", asked after a resolved request or an exchange with
 * an agent: published from k answers only.
 */
function satisfactionSection(snapshot: OpenDataSnapshot, k: number): string {
  const s = snapshot.satisfaction;
  if (s.answered === null || s.satisfiedShare === null)
    return `<p>Pas encore de mesure : moins de ${k} réponses sur 12 mois.</p>`;
  const share = Math.round(s.satisfiedShare * 100);
  const mean = s.mean === null ? '' : ` Note moyenne : ${s.mean.toFixed(1).replace('.', ',')} sur 5.`;
  return `<dl class="chiffres">
<div><dt>Usagers satisfaits (4 ou 5 sur 5)</dt><dd>${share} %</dd></div>
<div><dt>Réponses</dt><dd>${count(s.answered)}</dd></div>
</dl>
<p class="note">Après une demande résolue ou un échange avec un agent, l’usager est invité à noter le service de 1 (pas du tout satisfait) à 5 (tout à fait satisfait).${mean}</p>`;
}
