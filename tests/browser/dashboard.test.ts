// The steering dashboard in headless Chromium: a supervisor picks a period with the keyboard, reads the headline
// figures compared with the previous period, charts each followed by a table with French labels ("Non
// renseignée", commune and channel names, never ids), exports the CSV; a commune's supervisor reading the
// territory sees its aggregates but no other commune's figures. axe: no violation; screenshots at desktop
// and 375 px.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Container } from '../../server/container';
import {
  backofficeContainer,
  closeServer,
  issueToken,
  listen,
  CONTAINER_TIMEOUT_MS,
} from '../backoffice/support';
import {
  answerFirstLate,
  axeViolations,
  consoleWithToken,
  launchChromium,
  SCREENSHOTS,
} from '../support/browser';
import { DEMO_TENANT } from '../support/harness';

jest.setTimeout(120_000);

type Sql = { query(q: string, p: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };

describe('steering dashboard (headless Chromium)', () => {
  let container: Container;
  let server: Awaited<ReturnType<typeof listen>>;
  let browser: Browser;
  let supervisor: string;
  let communeSupervisor: string;

  /**
   * November 2026 (Paris): three requests — two incidents in Vernière by SMS (lighting), one school
   * registration by phone without a commune. October 2026 (the previous period): one request.
   */
  beforeAll(async () => {
    container = await backofficeContainer();
    server = await listen(container);
    supervisor = (await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT })).token;
    communeSupervisor = (
      await issueToken(container, {
        role: 'supervisor',
        tenantId: DEMO_TENANT,
        authorityId: 'commune-verniere',
      })
    ).token;
    browser = await launchChromium();
    const sql = (container.store as unknown as { sql: Sql }).sql;
    const conv = await container.store.openConversation({
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address: '+33611223344',
    });
    const rows: [string, string, string | null, string, string, Record<string, unknown>][] = [
      [
        'report_incident',
        'commune-verniere',
        'verniere',
        'sms',
        '2026-11-03T09:00:00Z',
        { category: 'eclairage' },
      ],
      [
        'report_incident',
        'commune-verniere',
        'verniere',
        'sms',
        '2026-11-10T09:00:00Z',
        { category: 'eclairage' },
      ],
      ['school_registration', 'cc-val-de-loue', null, 'voice', '2026-11-20T09:00:00Z', {}],
      [
        'report_incident',
        'commune-verniere',
        'verniere',
        'sms',
        '2026-10-15T09:00:00Z',
        { category: 'eclairage' },
      ],
    ];
    for (const [type, authority, commune, channel, created, payload] of rows) {
      const reference = await container.store.reserveReference(new Date(created));
      await container.store.commitTurn({
        tenantId: DEMO_TENANT,
        conversationId: conv.id,
        messages: [],
        requests: [
          {
            reference,
            tenantId: DEMO_TENANT,
            type,
            authorityId: authority,
            ...(commune ? { communeId: commune } : {}),
            channel,
            contactId: conv.contactId,
            conversationId: conv.id,
            payload,
          },
        ],
        outbox: [],
      });
      await sql.query('UPDATE requests SET created_at = $2::timestamptz WHERE reference = $1', [
        reference,
        created,
      ]);
    }
    // Satisfaction in November: the two lighting reports rated 5 and 2 by SMS, one conversation with an agent 4.
    const rate = `INSERT INTO satisfaction_answers (id, tenant_id, request_id, conversation_id, channel, score, answered_at)
      VALUES (gen_random_uuid(), $1, (SELECT id FROM requests WHERE tenant_id = $1 AND created_at = $2::timestamptz),
        $3, 'sms', $4, $2::timestamptz + interval '2 days')`;
    await sql.query(rate, [DEMO_TENANT, '2026-11-03T09:00:00Z', conv.id, 5]);
    await sql.query(rate, [DEMO_TENANT, '2026-11-10T09:00:00Z', conv.id, 2]);
    await sql.query(
      `INSERT INTO satisfaction_answers (id, tenant_id, conversation_id, channel, score, answered_at)
       VALUES (gen_random_uuid(), $1, $2, 'sms', 4, '2026-11-12T09:00:00Z')`,
      [DEMO_TENANT, conv.id],
    );
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    if (server) await closeServer(server.server);
    await container?.close();
  });

  async function signIn(token: string, width = 1280): Promise<Page> {
    const page = await consoleWithToken(browser, server.base, token, width);
    await page.click('[data-tab=indicators]');
    await page.waitForSelector('#indicators-scope');
    return page;
  }

  /** Fills the period (days as the API reads them) and submits it with the keyboard (Enter). */
  async function choosePeriod(page: Page, from: string, to: string): Promise<void> {
    await page.fill('#ind-from', from);
    await page.fill('#ind-to', to);
    await page.focus('#ind-to');
    await page.keyboard.press('Enter');
    // The whole period: the tab's first figures (the last 90 days to today) may also end on, or start on, the
    // 30th of November, depending on the day the test runs.
    await page.waitForFunction(() =>
      /du (1(er)? novembre 2026|01\/11\/2026) au (30 novembre 2026|30\/11\/2026)/.test(
        document.querySelector('#indicators-scope')?.textContent ?? '',
      ),
    );
  }

  /** The rows of the table that follows the chart titled `title`, as [label, value] pairs. */
  async function tableOf(page: Page, title: string): Promise<string[][]> {
    const section = page.locator('#indicators section.chart', {
      has: page.locator('h3', { hasText: title }),
    });
    return section
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.children).map((c) => (c.textContent ?? '').trim())),
      );
  }

  it('shows a period against the previous one, with charts, tables and French labels; axe finds nothing', async () => {
    const page = await signIn(supervisor);
    await choosePeriod(page, '2026-11-01', '2026-11-30');
    const scope = await page.textContent('#indicators-scope');
    expect(scope).toMatch(/Communauté de communes du Val de Loue/);
    expect(scope).toMatch(/1(er)? novembre 2026|01\/11\/2026/);
    expect(scope).toMatch(/comparés à la période du/);

    const requests = page.locator('.figure', { hasText: 'Demandes reçues' });
    expect(await requests.locator('.figure-value').textContent()).toBe('3');
    expect(await requests.locator('.figure-compare').textContent()).toBe(
      'En hausse de 200 % (1 sur la période précédente)',
    );

    expect(await tableOf(page, 'Demandes par canal')).toEqual([
      ['SMS', '2'],
      ['Téléphone', '1'],
    ]);
    expect(await tableOf(page, 'Demandes par commune')).toEqual([
      ['Vernière', '2'],
      ['Non renseignée', '1'],
    ]);
    expect(await tableOf(page, 'Signalements par catégorie')).toEqual([['Éclairage public', '2']]);
    expect(await tableOf(page, 'Satisfaction des usagers')).toEqual([
      ['Ensemble : toutes les réponses', '3', '67 % (2 sur 3)', '3,7 sur 5'],
      ['Canal : SMS', '3', '67 % (2 sur 3)', '3,7 sur 5'],
      ['Service : Signalement', '2', '50 % (1 sur 2)', '3,5 sur 5'],
      ['Service : Échange avec un agent', '1', '100 % (1 sur 1)', '4,0 sur 5'],
      ['Équipe : Sans équipe', '3', '67 % (2 sur 3)', '3,7 sur 5'],
    ]);
    expect(
      await page
        .locator('.figure', { hasText: 'Citoyens satisfaits' })
        .locator('.figure-value')
        .textContent(),
    ).toBe('67 %');
    expect(await tableOf(page, 'Demandes par type d’acteur')).toEqual([
      ['Communes', '2'],
      ['Intercommunalité', '1'],
    ]);
    // Every chart is a canvas drawn by Chart.js, described as an image, followed by its table.
    const charts = await page.locator('#indicators canvas[role=img]').count();
    expect(charts).toBeGreaterThanOrEqual(8);
    expect(await page.locator('#indicators section.chart table caption').count()).toBeGreaterThanOrEqual(
      charts,
    );
    expect(await page.textContent('#indicators')).not.toMatch(/unknown|report_incident|verniere\b/);

    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-desktop.png'), fullPage: true });
    await page.close();
  });

  it('shows the period submitted last when the tab’s first figures answer late', async () => {
    const page = await consoleWithToken(browser, server.base, supervisor);
    // The tab's first figures (the last 90 days) answer only once November's have (a busy server).
    const lateAnswerDrawn = await answerFirstLate(page, (url) => url.pathname === '/api/v1/indicators');
    await page.click('[data-tab=indicators]');
    await choosePeriod(page, '2026-11-01', '2026-11-30');
    await lateAnswerDrawn();
    expect(await page.textContent('#indicators-scope')).toMatch(/du (1(er)? novembre 2026|01\/11\/2026) au/);
    expect(
      await page.locator('.figure', { hasText: 'Demandes reçues' }).locator('.figure-value').textContent(),
    ).toBe('3');
    await page.close();
  });

  it('exports the same figures as a CSV file with French labels', async () => {
    const res = await fetch(`${server.base}/api/v1/indicators/export.csv?from=2026-11-01&to=2026-12-01`, {
      headers: { Authorization: `Bearer ${supervisor}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/indicateurs-2026-11-01-2026-11-30\.csv/);
    const lines = (await res.text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Rubrique;Indicateur;Valeur;Unité;Période précédente;Définition');
    expect(lines).toContain(
      'Synthèse;Demandes reçues;3;nombre;1;Demandes créées pendant la période, tous canaux.',
    );
    expect(lines).toContain('Par commune;Non renseignée;1;demandes;;');
    expect(lines).toContain('Par canal;Téléphone;1;demandes;;');
  });

  it('lets a commune read the territory’s aggregates, without the other actors’ figures, at 375 px', async () => {
    const page = await signIn(communeSupervisor, 375);
    await page.selectOption('#ind-scope', 'territory');
    await choosePeriod(page, '2026-11-01', '2026-11-30');
    expect(await page.textContent('#indicators-scope')).toMatch(/Communauté de communes du Val de Loue/);
    expect(
      await page.locator('.figure', { hasText: 'Demandes reçues' }).locator('.figure-value').textContent(),
    ).toBe('3');
    expect(await page.locator('#indicators h3', { hasText: 'Demandes par commune' }).count()).toBe(0);
    expect(await tableOf(page, 'Demandes par type d’acteur')).toEqual([
      ['Communes', '2'],
      ['Intercommunalité', '1'],
    ]);
    // Its own figures: its authority only.
    await page.selectOption('#ind-scope', 'own');
    await page.click('#indicators-form button[type=submit]');
    await page.waitForFunction(() =>
      /Mairie de Vernière/.test(document.querySelector('#indicators-scope')?.textContent ?? ''),
    );
    expect(
      await page.locator('.figure', { hasText: 'Demandes reçues' }).locator('.figure-value').textContent(),
    ).toBe('2');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-375.png'), fullPage: true });
    await page.locator('#indicators-scope').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-375-figures.png') });
    await page.locator('#chart-trend-title').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-375-trend.png') });
    await page.close();
  });
});
