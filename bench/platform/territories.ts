// The platform generator's territories: N territory folders (territory.json + faq.json) shaped like a mutualised
// public platform (issue 21): ~17.5 communes, 30 facilities and 100 FAQ entries per territory, 10 Twilio numbers
// and 10 widget keys each. Every value is a function of the territory's number (no randomness): the same N gives
// the same files. Each territory starts from the demo territory (its request types, school, library, notice and
// its first three communes, so the bench's citizen scripts work everywhere) and adds its own communes,
// authorities, facilities and FAQ. Opening hours are built from DILA "plage_ouverture" shapes through the
// importer's own slotsToOpeningHours, as an imported Annuaire record would be.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { slotsToOpeningHours, type Slot } from '../../knowledge/importers/slots';
import { DEFAULT_TERRITORY_DIR, type TerritoryInput } from '../../knowledge/territory';

export const PLATFORM_SIZES = {
  territories: 2000,
  communes: 35_000,
  facilities: 60_000,
  faq: 200_000,
  numbersPerTerritory: 10,
  keysPerTerritory: 10,
};

export const territoryId = (i: number) => `plat-${String(i).padStart(4, '0')}`;
/** Territory i's Twilio numbers: +339 iiii kk (never the demo's +33939980101, i < 3998). */
export const twilioNumberOf = (i: number, k: number) =>
  `+339${String(i).padStart(4, '0')}${String(k).padStart(2, '0')}`;
export const webchatKeyOf = (i: number, k: number) => `${territoryId(i)}-w${k}`;
export const botAppIdOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/** Communes of territory i (1-based) so that N territories hold `communes` in all. */
export function communeCount(i: number, n: number, communes: number): number {
  const base = Math.floor(communes / n);
  return base + (i <= communes - base * n ? 1 : 0);
}

const SYLLABLES = [
  'Mont',
  'Val',
  'Bel',
  'Roche',
  'Fonte',
  'Ver',
  'Lau',
  'Cham',
  'Bois',
  'Font',
  'Mar',
  'Cour',
];
const ENDINGS = ['ey', 'ière', 'ans', 'ac', 'ville', 'court', 'oux', 'ange', 'ieu', 'et'];
const SUFFIXES = ['', '-sur-Loue', '-le-Haut', '-en-Bresse', '-les-Bains', '-la-Forêt', ''];
function communeName(g: number): string {
  const a = SYLLABLES[g % SYLLABLES.length]!;
  const b = ENDINGS[Math.floor(g / 12) % ENDINGS.length]!;
  const c = SUFFIXES[Math.floor(g / 120) % SUFFIXES.length]!;
  // The global number keeps names distinct inside a territory whatever the syllables give.
  return `${a}${b}${c} ${g}`;
}
const slugOf = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * DILA plage_ouverture shapes seen in the Annuaire (town halls open a few half-days, services on weekday office
 * hours, Saturday mornings, long days with a lunch break); `shift` moves the times by quarter hours.
 */
function dilaSlots(shape: number, shift: number): Slot[] {
  const t = (h: number, m: number) => {
    const total = h * 60 + m + shift * 15;
    return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
  };
  switch (shape % 8) {
    case 0:
      return [
        {
          firstDay: 'lundi',
          lastDay: 'vendredi',
          ranges: [
            [t(8, 30), t(12, 0)],
            [t(13, 30), t(17, 0)],
          ],
        },
      ];
    case 1:
      return [
        { firstDay: 'lundi', lastDay: 'lundi', ranges: [[t(14, 0), t(18, 0)]] },
        { firstDay: 'jeudi', lastDay: 'jeudi', ranges: [[t(9, 0), t(12, 0)]] },
      ];
    case 2:
      return [
        {
          firstDay: 'mardi',
          lastDay: 'vendredi',
          ranges: [
            [t(9, 0), t(12, 0)],
            [t(14, 0), t(17, 30)],
          ],
        },
        { firstDay: 'samedi', lastDay: 'samedi', ranges: [[t(9, 0), t(12, 0)]] },
      ];
    case 3:
      return [
        { firstDay: 'Lundi', lastDay: 'Mercredi', ranges: [[t(8, 0), t(12, 0)]] },
        {
          firstDay: 'Jeudi',
          lastDay: 'Vendredi',
          ranges: [
            [t(8, 0), t(12, 0)],
            [t(13, 0), t(16, 0)],
          ],
        },
      ];
    case 4:
      return [
        {
          firstDay: 'mercredi',
          lastDay: 'mercredi',
          ranges: [
            [t(10, 0), t(12, 0)],
            [t(14, 0), t(18, 0)],
          ],
        },
        {
          firstDay: 'samedi',
          lastDay: 'samedi',
          ranges: [
            [t(10, 0), t(12, 30)],
            [t(14, 0), t(17, 0)],
          ],
        },
      ];
    case 5:
      return [
        {
          firstDay: 'lundi',
          lastDay: 'samedi',
          ranges: [
            [t(9, 0), t(12, 0)],
            [t(14, 0), t(18, 0)],
          ],
        },
      ];
    case 6:
      return [
        { firstDay: 'mardi', lastDay: 'mardi', ranges: [[t(16, 0), t(19, 0)]] },
        { firstDay: 'vendredi', lastDay: 'vendredi', ranges: [[t(16, 0), t(19, 0)]] },
      ];
    default:
      return [
        {
          firstDay: 'lundi',
          lastDay: 'jeudi',
          ranges: [
            [t(8, 0), t(12, 0)],
            [t(13, 30), t(17, 30)],
          ],
        },
      ];
  }
}

/** A DILA-shaped opening_hours value; about 40 distinct values over the platform, as imported records repeat. */
export function openingHoursOf(n: number): string {
  return `${slotsToOpeningHours(dilaSlots(n, (n >> 3) % 5))!}; PH off`;
}

const EXTRA_KINDS = [
  { kind: 'ecole', label: 'École' },
  { kind: 'bureau-de-poste', label: 'Agence postale' },
  { kind: 'cimetiere', label: 'Cimetière' },
  { kind: 'stade', label: 'Stade' },
  { kind: 'creche', label: 'Crèche' },
  { kind: 'salle-des-fetes', label: 'Salle des fêtes' },
];

const FAQ_TOPICS = [
  {
    q: 'Comment réserver la salle des fêtes de {c} ?',
    a: 'La salle des fêtes de {c} se réserve à la mairie, au moins un mois avant la date. Tarif selon la durée et la domiciliation.',
  },
  {
    q: 'Quand passe le ramassage des encombrants à {c} ?',
    a: 'Les encombrants sont collectés à {c} le premier mardi du mois sur inscription au plus tard la veille à midi.',
  },
  {
    q: 'Où faire ma carte d’identité près de {c} ?',
    a: 'Les cartes d’identité se font sur rendez-vous dans une mairie équipée d’un dispositif de recueil ; pré-demande en ligne sur ants.gouv.fr.',
  },
  {
    q: 'Comment inscrire mon enfant à la cantine de {c} ?',
    a: 'L’inscription à la restauration scolaire de {c} se fait au portail famille avant le 15 août, avec l’attestation de quotient familial.',
  },
  {
    q: 'Le marché de {c} a lieu quel jour ?',
    a: 'Le marché de {c} se tient le samedi matin de 8 h à 12 h 30 sur la place de la mairie, toute l’année.',
  },
  {
    q: 'Comment obtenir un permis de construire à {c} ?',
    a: 'Déposez votre demande de permis de construire à la mairie de {c} ou en ligne ; le délai d’instruction est de deux mois pour une maison.',
  },
];

interface Template {
  territory: TerritoryInput & Record<string, unknown>;
  faq: NonNullable<TerritoryInput['faq']>;
}

function readTemplate(): Template {
  const dir = path.join(DEFAULT_TERRITORY_DIR, 'val-de-loue');
  return {
    territory: JSON.parse(readFileSync(path.join(dir, 'territory.json'), 'utf8')) as Template['territory'],
    faq: JSON.parse(readFileSync(path.join(dir, 'faq.json'), 'utf8')) as Template['faq'],
  };
}

/** Territory i of n (1-based), as its two files' content. `firstCommune` is its communes' global offset. */
export function buildTerritory(
  template: Template,
  i: number,
  n: number,
  firstCommune: number,
  sizes = PLATFORM_SIZES,
): { territory: Record<string, unknown>; faq: unknown[] } {
  const id = territoryId(i);
  const tpl = structuredClone(template.territory);
  const count = communeCount(i, n, sizes.communes);
  const kept = (tpl.communes ?? []).slice(0, Math.min(3, count));
  // The demo's first communes keep their names (the citizen scripts name them) but get platform INSEE codes.
  const communes = Array.from({ length: count }, (_, k) => {
    const g = firstCommune + k;
    const insee = String(10_000 + g);
    const own = kept[k];
    if (own) return { ...own, insee, postcodes: [insee] };
    const name = communeName(g);
    return { id: slugOf(name), name, insee, postcodes: [insee], aliases: [] };
  });
  const extraCommunes = communes.slice(kept.length);
  const authorities = (tpl.authorities ?? []).map((a) =>
    a.kind === 'commune' ? a : { ...a, communeIds: communes.map((c) => c.id) },
  );
  for (const c of extraCommunes)
    authorities.push({
      id: `commune-${c.id}`,
      name: `Mairie de ${c.name}`,
      kind: 'commune',
      communeIds: [c.id],
      phone: '01 99 00 20 00',
      competences: ['report_incident', 'school_registration'],
    });
  const facilitiesPerTerritory = Math.round(sizes.facilities / n);
  const facilities = [...(tpl.facilities ?? [])].slice(0, facilitiesPerTerritory);
  for (let k = 0; facilities.length < facilitiesPerTerritory; k++) {
    const commune = communes[k % communes.length]!;
    const isTownHall = k < extraCommunes.length;
    const extra = EXTRA_KINDS[k % EXTRA_KINDS.length]!;
    const kind = isTownHall ? 'mairie' : extra.kind;
    const name = isTownHall ? `Mairie de ${commune.name}` : `${extra.label} de ${commune.name}`;
    const shape = i * 31 + k;
    facilities.push({
      id: slugOf(`${kind}-${commune.id}-${k}`),
      kind,
      name,
      communeId: commune.insee, // as the DILA importer emits it; the schema resolves it to the commune id
      address: {
        street: `${1 + (k % 40)} place de l’Église`,
        postcode: commune.postcodes[0]!,
        city: commune.name,
      },
      location: { lat: 44 + ((i * 7 + k) % 500) / 100, lon: 1 + ((i * 13 + k) % 500) / 100 },
      openingHours: openingHoursOf(shape),
      exceptions:
        k % 10 === 0 ? [{ from: '2027-01-04', to: '2027-01-09', openingHours: 'off', note: 'travaux' }] : [],
      aliases: [],
      source: { attribution: 'DILA, Annuaire de l’administration (forme générée)', id: `${id}-${k}` },
    });
  }
  const faqPerTerritory = Math.round(sizes.faq / n);
  const faq: unknown[] = template.faq.slice(0, faqPerTerritory);
  for (let k = 0; faq.length < faqPerTerritory; k++) {
    const topic = FAQ_TOPICS[k % FAQ_TOPICS.length]!;
    const commune = communes[Math.floor(k / FAQ_TOPICS.length) % communes.length]!;
    const fill = (s: string) => s.replace(/\{c\}/g, commune.name);
    faq.push({
      id: `${slugOf(commune.id)}-${k}`,
      questions: [fill(topic.q)],
      answer: fill(topic.a),
      sourceUrl: `https://${id}.example.fr/faq/${k}`,
      tags: [commune.name],
    });
  }
  return {
    territory: {
      ...tpl,
      id,
      name: `Communauté de communes ${i}`,
      communes,
      authorities,
      facilities,
      channels: {
        twilioNumbers: Array.from({ length: sizes.numbersPerTerritory }, (_, k) => twilioNumberOf(i, k)),
        webchatKeys: Array.from({ length: sizes.keysPerTerritory }, (_, k) => webchatKeyOf(i, k)),
        allowedOrigins: [`https://${id}.example.fr`],
        botAppIds: [botAppIdOf(i)],
      },
    },
    faq,
  };
}

/**
 * Writes n territory folders into `dir` (emptied first) with the platform's proportions scaled to n.
 * Returns the directory, to use as TERRITORY_DIR.
 */
export function writePlatformTerritories(dir: string, n = PLATFORM_SIZES.territories): string {
  const scale = n / PLATFORM_SIZES.territories;
  const sizes = {
    ...PLATFORM_SIZES,
    territories: n,
    communes: Math.max(3 * n, Math.round(PLATFORM_SIZES.communes * scale)),
    facilities: Math.round(PLATFORM_SIZES.facilities * scale),
    faq: Math.round(PLATFORM_SIZES.faq * scale),
  };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const template = readTemplate();
  let firstCommune = 0;
  for (let i = 1; i <= n; i++) {
    const { territory, faq } = buildTerritory(template, i, n, firstCommune, sizes);
    firstCommune += communeCount(i, n, sizes.communes);
    const folder = path.join(dir, territoryId(i));
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'territory.json'), JSON.stringify(territory));
    writeFileSync(path.join(folder, 'faq.json'), JSON.stringify(faq));
  }
  return dir;
}
