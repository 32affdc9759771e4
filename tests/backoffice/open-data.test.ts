// Open data and the public page: small counts are suppressed (and so is what would let them be recomputed
// from a published total), and nothing a citizen typed or is — name, phone, e-mail, address, exact position —
// comes out of the page, its map or the files, although all of it is planted in the requests.
import request from 'supertest';
import { suppressSmallCounts } from '../../backoffice/open-data';
import { blurPosition } from '../../backoffice/open-data/map';
import { PostgresOpenDataStore } from '../../adapters/postgres/backoffice/open-data';
import type { SqlClient } from '../../adapters/postgres';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import {
  backofficeContainer,
  CONTAINER_TIMEOUT_MS,
  incidentPayload,
  OTHER_TENANT,
  rows,
  seedConversation,
} from './support';

const DAY_MS = 24 * 3600 * 1000;
const PHONE = '+33612345678';
const PLANTED = [
  /Camille/i,
  /Martin/,
  /06 ?12 ?34 ?56 ?78/,
  /\+?33 ?6 ?12 ?34 ?56 ?78/,
  /camille\.martin/i,
  /example\.org/,
  /Lilas/,
  /47\.10372/,
  /6\.05471/,
];
const PII = `Je suis Camille Martin, 12 rue des Lilas, 06 12 34 56 78, camille.martin@example.org`;
const EXACT = { lat: 47.10372, lon: 6.05471 };

/** The fields of one CSV line (RFC 4180 quotes). */
function csvFields(line: string): string[] {
  return [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) =>
    m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!,
  );
}

describe('suppressSmallCounts', () => {
  type Cell = { requests: number; category: string; commune: string };
  const groups = [() => 'all', (c: Cell) => c.category, (c: Cell) => c.commune];

  test('hides cells below k, and the cells that would let one be recomputed from a total', () => {
    const cells: Cell[] = [
      { requests: 1, category: 'eclairage', commune: 'a' },
      { requests: 10, category: 'eclairage', commune: 'b' },
      { requests: 12, category: 'eclairage', commune: 'c' },
      { requests: 20, category: 'voirie', commune: 'a' },
      { requests: 30, category: 'voirie', commune: 'b' },
      { requests: 40, category: 'voirie', commune: 'c' },
    ];
    const { cells: out, totalPublished } = suppressSmallCounts(cells, 5, groups);
    // The 1 hides the 10 (lighting), which hides 30 (commune b), and commune a hides the 20: a rectangle.
    expect(out.map((o) => o.suppressed)).toEqual([
      'primary',
      'secondary',
      false,
      'secondary',
      'secondary',
      false,
    ]);
    expect(['eclairage', 'voirie'].map((c) => totalPublished(1, c))).toEqual([true, true]);
  });

  test('a lone small total is not given away by the grand total minus the others', () => {
    const cells: Cell[] = [
      { requests: 2, category: 'graffiti', commune: 'a' },
      { requests: 10, category: 'eclairage', commune: 'a' },
      { requests: 30, category: 'voirie', commune: 'b' },
    ];
    const { totalPublished } = suppressSmallCounts(cells, 5, groups);
    expect(totalPublished(0, 'all')).toBe(true);
    expect(totalPublished(1, 'graffiti')).toBe(false);
    // Another category is hidden with it, else all − eclairage − voirie = graffiti.
    expect(totalPublished(1, 'eclairage')).toBe(false);
  });

  test('no published sum ever has exactly one hidden part', () => {
    // A deterministic pseudo-random table: many shapes, small and large counts.
    let seed = 7;
    const next = () => (seed = (seed * 16807) % 2147483647);
    for (let round = 0; round < 100; round += 1) {
      const cells: Cell[] = Array.from({ length: 3 + (next() % 20) }, () => ({
        requests: 1 + (next() % 14),
        category: `c${next() % 4}`,
        commune: `m${next() % 3}`,
      }));
      const { cells: out, totalPublished } = suppressSmallCounts(cells, 5, groups);
      for (const o of out) if (o.cell.requests < 5) expect(o.suppressed).toBe('primary');
      groups.forEach((key, dimension) => {
        const byTotal = new Map<string, { hidden: number; size: number }>();
        for (const o of out) {
          const t = byTotal.get(key(o.cell)) ?? { hidden: 0, size: 0 };
          t.size += 1;
          if (o.suppressed) t.hidden += 1;
          byTotal.set(key(o.cell), t);
        }
        for (const [id, t] of byTotal) {
          // A published total minus its published cells never isolates one hidden cell.
          if (totalPublished(dimension, id) && t.size > 1) expect(t.hidden).not.toBe(1);
          // A hidden total cannot be summed from its cells.
          if (!totalPublished(dimension, id)) expect(t.hidden).toBeGreaterThan(0);
        }
        // The grand total minus the published totals of a dimension never isolates one hidden total.
        if (dimension > 0 && byTotal.size > 1 && totalPublished(0, 'all'))
          expect([...byTotal.keys()].filter((id) => !totalPublished(dimension, id)).length).not.toBe(1);
      });
    }
  });
});

describe('the public page and the open-data files', () => {
  let container: Container;
  const api = () => request(container.app);

  beforeAll(async () => {
    // Tomorrow: the requests filed today are in the published window (it ends yesterday).
    container = await backofficeContainer({}, { clock: () => new Date(Date.now() + DAY_MS) });
    const incident = (category: string, communeId: string, authorityId: string, i: number) => ({
      type: 'report_incident',
      authorityId,
      communeId,
      location: i === 10 ? EXACT : { lat: 47.1 + i / 1000, lon: 6.05 + i / 1000 },
      payload: incidentPayload(category, PII, {
        address: '12 rue des Lilas',
        contact: { kind: 'email', value: 'camille.martin@example.org' },
      }),
    });
    const seeds: Promise<unknown>[] = [];
    for (let i = 0; i < 6; i += 1)
      seeds.push(
        seedConversation(container, {
          tenantId: DEMO_TENANT,
          text: PII,
          requests: [incident('eclairage', 'montcey-sur-loue', 'commune-montcey-sur-loue', i)],
        }),
      );
    for (let i = 0; i < 5; i += 1)
      seeds.push(
        seedConversation(container, {
          tenantId: DEMO_TENANT,
          text: PII,
          requests: [incident('proprete', 'saint-ambreuil', 'cc-val-de-loue', i + 10)],
        }),
      );
    await Promise.all(seeds);
    // One by SMS from a phone number, one lone pothole elsewhere, and a school registration at a child's home.
    await seedConversation(container, {
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address: PHONE,
      text: PII,
      requests: [incident('eclairage', 'montcey-sur-loue', 'commune-montcey-sur-loue', 20)],
    });
    await seedConversation(container, {
      tenantId: DEMO_TENANT,
      text: PII,
      requests: [incident('voirie', 'montcey-sur-loue', 'commune-montcey-sur-loue', 21)],
    });
    await seedConversation(container, {
      tenantId: DEMO_TENANT,
      text: PII,
      requests: [
        {
          type: 'school_registration',
          authorityId: 'commune-montcey-sur-loue',
          communeId: 'montcey-sur-loue',
          location: { lat: 47.1111, lon: 6.0611 },
          payload: { childFirstName: 'Camille', childLastName: 'Martin', address: '12 rue des Lilas' },
        },
      ],
    });
    // Five of the six web chat lighting reports resolved five hours after they were filed.
    await rows(
      container,
      `UPDATE requests SET status = 'resolved', resolved_at = created_at + interval '5 hours'
       WHERE id IN (SELECT id FROM requests WHERE channel = 'webchat' AND payload ->> 'category' = 'eclairage'
                    ORDER BY created_at LIMIT 5)`,
    );
    // Five satisfaction answers today (5, 5, 4, 3, 1): exactly k, so published.
    await rows(
      container,
      `INSERT INTO satisfaction_answers (id, tenant_id, request_id, channel, score, answered_at)
       SELECT gen_random_uuid(), $1, id, 'webchat', (ARRAY[5, 5, 4, 3, 1])[row_number() OVER (ORDER BY created_at)], now()
       FROM requests WHERE tenant_id = $1 AND channel = 'webchat' ORDER BY created_at LIMIT 5`,
      [DEMO_TENANT],
    );
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  test('the page shows the totals by category and commune, small ones not published', async () => {
    const res = await api().get(`/territoire/${DEMO_TENANT}/`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const html = res.text;
    const row = (label: string) =>
      new RegExp(
        `<th scope="row">${label}</th>\\s*<td class="nombre"><span class="valeur">([^<]+)</span>`,
      ).exec(html)?.[1];
    expect(row('Éclairage public')).toBe('7');
    expect(row('Propreté \\(déchets, dépôt sauvage\\)')).toBe('5');
    expect(row('Voirie \\(chaussée, trottoir, nid-de-poule\\)')).toBe('non publié');
    expect(row('[^<]*scolaire[^<]*')).toBe('non publié');
    expect(row('Montcey-sur-Loue')).toBe('9');
    expect(row('Saint-Ambreuil')).toBe('5');
    expect(html).toMatch(/<dt>Demandes reçues<\/dt><dd>14<\/dd>/);
    // Five resolutions of lighting, five hours each: the median is published; none elsewhere.
    expect(html).toMatch(
      /Éclairage public<\/th>[\s\S]*?<td class="nombre">5<\/td>\s*<td class="nombre">5 h<\/td>/,
    );
    // Satisfaction: 3 answers of 4 or 5 out of 5, mean 3.6.
    expect(html).toMatch(/<dt>Usagers satisfaits \(4 ou 5 sur 5\)<\/dt><dd>60 %<\/dd>/);
    expect(html).toMatch(/<dt>Réponses<\/dt><dd>5<\/dd>/);
    expect(html).toMatch(/Note moyenne : 3,6 sur 5/);
    expect(html).toMatch(/Licence Ouverte/);
  });

  test('the export hides the small cells and the cell that would let one be recomputed from a total', async () => {
    const res = await api().get(`/open-data/${DEMO_TENANT}/requests-daily.csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const [header, ...lines] = res.text.trim().split('\r\n');
    expect(header).toBe(
      'date,type_demande,categorie,libelle_categorie,commune,code_insee,nom_commune,canal,libelle_canal,demandes,resolues,delai_median_resolution_heures,secret_statistique',
    );
    const byKey = new Map(
      lines.map((l) => {
        const f = csvFields(l);
        return [`${f[2]}/${f[4]}/${f[7]}`, { demandes: f[9], secret: f[12] }];
      }),
    );
    // 6 lighting reports on the web chat + 1 by SMS = 7 on the page: the 6 would give the 1 away.
    expect(byKey.get('eclairage/montcey-sur-loue/sms')).toEqual({ demandes: '', secret: 'true' });
    expect(byKey.get('eclairage/montcey-sur-loue/webchat')).toEqual({ demandes: '', secret: 'true' });
    expect(byKey.get('voirie/montcey-sur-loue/webchat')).toEqual({ demandes: '', secret: 'true' });
    expect(byKey.get('proprete/saint-ambreuil/webchat')).toEqual({ demandes: '5', secret: 'false' });
    // No published count is below 5.
    for (const { demandes } of byKey.values())
      if (demandes !== '') expect(Number(demandes)).toBeGreaterThanOrEqual(5);

    const json = await api().get(`/open-data/${DEMO_TENANT}/requests-daily.json`);
    expect(json.body).toMatchObject({
      kAnonymity: 5,
      licence: { name: 'etalab-2.0' },
      schema: 'requests-daily.schema.json',
    });
    expect(json.body.data).toHaveLength(lines.length);
    const schema = await api().get(`/open-data/${DEMO_TENANT}/requests-daily.schema.json`);
    expect(schema.body.fields.map((f: { name: string }) => f.name).join(',')).toBe(header);
    const pkg = await api().get(`/open-data/${DEMO_TENANT}/datapackage.json`);
    expect(pkg.body.licenses[0].name).toBe('etalab-2.0');
    expect(pkg.body.resources.map((r: { path: string }) => r.path)).toEqual([
      'requests-daily.csv',
      'requests-daily.json',
      'satisfaction.csv',
      'satisfaction.json',
    ]);
    // Satisfaction: the page's one figure for the window (5 answers: exactly k, published), as CSV and JSON.
    const satisfaction = await api().get(`/open-data/${DEMO_TENANT}/satisfaction.csv`);
    expect(satisfaction.status).toBe(200);
    const [satisfactionHeader, line, ...more] = satisfaction.text.trim().split('\r\n');
    expect(satisfactionHeader).toBe('debut,fin,reponses,part_satisfaits,note_moyenne,secret_statistique');
    expect(more).toEqual([]);
    expect(csvFields(line!).slice(2)).toEqual(['5', '0.6', '3.6', 'false']);
    const satisfactionJson = await api().get(`/open-data/${DEMO_TENANT}/satisfaction.json`);
    expect(satisfactionJson.body.data).toEqual([
      expect.objectContaining({ reponses: 5, part_satisfaits: 0.6, note_moyenne: 3.6 }),
    ]);
    const satisfactionSchema = await api().get(`/open-data/${DEMO_TENANT}/satisfaction.schema.json`);
    expect(satisfactionSchema.body.fields.map((f: { name: string }) => f.name).join(',')).toBe(
      satisfactionHeader,
    );
    expect((await api().get(`/open-data/${DEMO_TENANT}/licence.txt`)).text).toMatch(/Licence Ouverte/);
  });

  test("the figures count the territory's own days: a request at local midnight is on its day, one a second before is not", async () => {
    // Paris is UTC+1 in January: the window 10–12 January runs from 9 January 23:00 to 12 January 23:00 UTC.
    const at = [
      ['2026-01-09T22:59:59Z', null],
      ['2026-01-09T23:00:00Z', '5 hours'],
      ['2026-01-12T22:59:59Z', '3 hours'],
      ['2026-01-12T23:00:00Z', '1 hour'],
    ] as const;
    for (const [i, [created, resolvedAfter]] of at.entries())
      await rows(
        container,
        `INSERT INTO requests (reference, tenant_id, type, status, authority_id, commune_id, channel, payload,
           created_at, updated_at, resolved_at)
         VALUES ($1, $2, 'report_incident', $3, 'commune-autre', 'autre', 'sms', '{"category": "voirie"}'::jsonb,
           $4::timestamptz, $4::timestamptz, $4::timestamptz + $5::interval)`,
        [
          `DEM-2026-${String(9_000_001 + i)}`,
          OTHER_TENANT,
          resolvedAfter ? 'resolved' : 'received',
          created,
          resolvedAfter,
        ],
      );
    const store = new PostgresOpenDataStore((container.store as unknown as { sql: SqlClient }).sql);
    const window = {
      tenantId: OTHER_TENANT,
      timeZone: 'Europe/Paris',
      fromDay: '2026-01-10',
      toDay: '2026-01-12',
    };
    const cells = await store.dailyCells(window);
    expect(cells.map((c) => [c.day, c.category, c.requests, c.resolved, c.medianResolutionHours])).toEqual([
      ['2026-01-10', 'voirie', 1, 1, 5],
      ['2026-01-12', 'voirie', 1, 1, 3],
    ]);
    const medians = await store.resolutionMedians(window);
    expect(medians.find((m) => m.type === null)).toEqual({
      type: null,
      category: null,
      resolved: 2,
      medianResolutionHours: 4,
    });
  });

  test('the map shows the open public-space reports on a 50 m grid, with category, state and day only', async () => {
    const res = await api().get(`/territoire/${DEMO_TENANT}/carte.json`);
    expect(res.status).toBe(200);
    const points = res.body.points as Record<string, unknown>[];
    // 1 open lighting report on the web chat, 1 by SMS, 5 litter, 1 pothole; not the resolved ones, not the school.
    expect(points).toHaveLength(8);
    for (const p of points)
      expect(Object.keys(p).sort()).toEqual(['category', 'date', 'lat', 'lon', 'status']);
    expect(new Set(points.map((p) => p.status))).toEqual(new Set(['Reçue']));
    expect(points.map((p) => p.category)).toContain('Éclairage public');
    // The litter report filed at EXACT is drawn at the centre of its cell, within 25 m of it and not on it.
    const blurred = blurPosition(EXACT);
    expect(points).toContainEqual(expect.objectContaining(blurred));
    expect(Math.abs(blurred.lat - EXACT.lat) * 111_320).toBeLessThanOrEqual(25.1);
    expect(
      Math.abs(blurred.lon - EXACT.lon) * 111_320 * Math.cos((EXACT.lat * Math.PI) / 180),
    ).toBeLessThanOrEqual(25.1);
    expect(points.some((p) => p.lat === EXACT.lat || p.lon === EXACT.lon)).toBe(false);
    expect(points.some((p) => p.lat === 47.1111)).toBe(false);
  });

  test('nothing a citizen typed or is comes out of the page, the map or the files', async () => {
    const paths = [
      `/territoire/${DEMO_TENANT}/`,
      `/territoire/${DEMO_TENANT}/carte.json`,
      `/open-data/${DEMO_TENANT}/requests-daily.csv`,
      `/open-data/${DEMO_TENANT}/requests-daily.json`,
      `/open-data/${DEMO_TENANT}/datapackage.json`,
      `/open-data/${DEMO_TENANT}/satisfaction.csv`,
      `/open-data/${DEMO_TENANT}/satisfaction.json`,
    ];
    for (const path of paths) {
      const res = await api().get(path);
      expect(res.status).toBe(200);
      for (const pattern of PLANTED)
        expect({ path, found: pattern.exec(res.text)?.[0] }).toEqual({ path, found: undefined });
      expect(res.text).not.toMatch(/DEM-/);
    }
  });

  test('the daily job builds the figures of every territory', async () => {
    expect(await container.openDataRefresh?.runOnce()).toBe(container.territories.current().list().length);
  });

  test('a server stopping during the daily job ends it before the next territory (SIGTERM is not held)', async () => {
    const job = container.openDataRefresh!;
    expect(container.territories.current().list().length).toBeGreaterThan(1);
    const run = job.runOnce(); // the first territory's build starts at once
    await job.stop();
    expect(await run).toBe(1); // that one finished, no other began
  });

  test('an unknown territory is a 404, the page in French', async () => {
    const page = await api().get('/territoire/nulle-part/');
    expect(page.status).toBe(404);
    expect(page.text).toMatch(/Territoire inconnu/);
    expect((await api().get('/open-data/nulle-part/requests-daily.csv')).status).toBe(404);
    expect((await api().get('/open-data/..%2Fetc/requests-daily.csv')).status).toBe(404);
  });
});

describe('OPEN_DATA_ENABLED=false', () => {
  let container: Container;
  beforeAll(async () => {
    container = await backofficeContainer({ OPEN_DATA_ENABLED: 'false' });
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  test('serves neither the page nor the files, and runs no job', async () => {
    expect((await request(container.app).get(`/territoire/${DEMO_TENANT}/`)).status).toBe(404);
    expect((await request(container.app).get(`/open-data/${DEMO_TENANT}/requests-daily.csv`)).status).toBe(
      404,
    );
    expect(container.openDataRefresh).toBeUndefined();
  });
});
