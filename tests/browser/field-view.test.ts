// The field view on a 375 px phone in Debian's Chromium (issue 18 point 3): today's interventions of the
// lighting team, on a map and sorted by distance from the phone's (emulated) position; "Démarrer" with one tap;
// then the network is cut, the work is reported done with a comment and a photo from the camera, kept on the
// phone and shown as waiting; when the network returns it is sent — and although the first answer is lost on
// the way back, the server records it once (client id). axe-core finds nothing; screenshots in SCREENSHOT_DIR.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import type { Container } from '../../server/container';
import {
  ADMIN_TOKEN,
  backofficeContainer,
  bearer,
  closeServer,
  CONTAINER_TIMEOUT_MS,
  issueToken,
  listen,
  rows,
  seedReportInVerniere,
} from '../backoffice/support';
import { answerFirstLate, axeViolations, launchChromium, SCREENSHOTS } from '../support/browser';
import { DEMO_TENANT } from '../support/harness';

jest.setTimeout(150_000);

/** The smallest real PNG (1×1 pixel), as a camera file would arrive in the input. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** Today in Europe/Paris (the page plans "today" in the territory's time zone). */
const today = () =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());

describe('field view (headless Chromium, 375 px, network cut)', () => {
  let container: Container;
  let server: Awaited<ReturnType<typeof listen>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let lou: string;
  const ids: Record<string, string> = {};
  let supervisor: string;

  /** A team of the territory with these members; its id. */
  async function createTeam(name: string, memberIds: string[]): Promise<string> {
    const created = await request(container.app)
      .post('/api/v1/teams')
      .set(bearer(ADMIN_TOKEN))
      .send({ tenantId: DEMO_TENANT, name, memberIds })
      .expect(201);
    return created.body.id as string;
  }

  /** A citizen's report in Vernière, and the team's intervention on it planned for today; its id. */
  async function planToday(
    teamId: string,
    report: { category: string; description: string; lat: number; lon: number; photo?: string },
    work: { what: string; priority: 'urgent' | 'normal' },
  ): Promise<string> {
    const seeded = await seedReportInVerniere(container, {
      category: report.category,
      description: report.description,
      extra: report.photo ? { photo: { url: report.photo } } : {},
      location: { lat: report.lat, lon: report.lon },
    });
    const planned = await request(container.app)
      .post(`/api/v1/requests/${seeded.references[0]}/interventions`)
      .set(bearer(supervisor))
      .send({ teamId, what: work.what, plannedFor: today(), priority: work.priority })
      .expect(201);
    return planned.body.id as string;
  }

  beforeAll(async () => {
    container = await backofficeContainer();
    server = await listen(container);
    supervisor = (await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT })).token;
    const agent = await issueToken(container, {
      role: 'agent',
      tenantId: DEMO_TENANT,
      name: 'Lou Éclairage',
    });
    lou = agent.token;
    const team = await createTeam('Éclairage public', [agent.agentId!]);
    // Two lamps: the church square (far from the phone) and the school (next to it).
    const places = {
      church: {
        lat: 47.1102,
        lon: 5.9201,
        what: 'Remplacer la lanterne de la place',
        priority: 'urgent' as const,
      },
      school: {
        lat: 47.1302,
        lon: 5.9501,
        what: 'Changer l’ampoule devant l’école',
        priority: 'normal' as const,
      },
    };
    for (const [key, place] of Object.entries(places)) {
      ids[key] = await planToday(
        team,
        {
          category: 'eclairage',
          description: `Lampadaire éteint (${key})`,
          lat: place.lat,
          lon: place.lon,
          photo: `https://media.example.org/${key}.jpg`,
        },
        place,
      );
    }
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 375, height: 800 },
      locale: 'fr-FR',
      geolocation: { latitude: 47.1301, longitude: 5.9499 },
      permissions: ['geolocation'],
    });
    page = await context.newPage();
    await page.goto(`${server.base}/console`);
    await page.fill('#token', lou);
    await page.press('#token', 'Enter');
    await page.waitForSelector('#app:not([hidden])');
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    if (server) await closeServer(server.server);
    await container?.close();
  });

  const card = (what: RegExp) =>
    page.locator('.intervention', { has: page.locator('h2', { hasText: what }) });
  const status = async (id: string) =>
    (await rows<{ status: string }>(container, 'SELECT status FROM interventions WHERE id = $1', [id]))[0]
      ?.status;

  it('lists today’s work of the team with the place, by distance from the phone', async () => {
    await page.goto(`${server.base}/console/terrain.html`);
    await page.waitForSelector('.intervention');
    expect(await page.textContent('h1')).toMatch(/^Interventions du \d{2}\/\d{2}\/\d{4}$/);
    expect(await page.locator('#team option').allTextContents()).toEqual(['Éclairage public']);
    // In the day's order first (the urgent one on top), then by distance once the position is known.
    expect(await page.locator('.intervention h2').allTextContents()).toEqual([
      'Remplacer la lanterne de la place',
      'Changer l’ampoule devant l’école',
    ]);
    await page.click('#nearest');
    await page.waitForFunction(() =>
      /à \d+ m/.test(document.querySelector('.intervention')?.textContent ?? ''),
    );
    expect(await page.locator('.intervention h2').allTextContents()).toEqual([
      'Changer l’ampoule devant l’école',
      'Remplacer la lanterne de la place',
    ]);
    const first = (await page.locator('.intervention').first().textContent()) ?? '';
    expect(first).toContain('Vernière');
    expect(first).toContain('Éclairage public');
    expect(first).toContain('« Lampadaire éteint (school) »');
    expect(
      await page
        .locator('.intervention')
        .first()
        .getByRole('link', { name: /Photo du signalement/ })
        .getAttribute('href'),
    ).toBe('https://media.example.org/school.jpg');
    expect(await page.getAttribute('#map', 'aria-label')).toMatch(/Carte des interventions/);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/terrain-375.png`, fullPage: true });
  });

  it('starts a job with one tap', async () => {
    await card(/devant l’école/)
      .getByRole('button', { name: 'Démarrer' })
      .click();
    await page.waitForFunction(() => document.querySelector('#sync')?.textContent === 'Tout est envoyé.');
    // The card drawn at the tap already says "État : En cours (en attente d’envoi)": wait for the list reloaded
    // once everything is sent, else that reload, still on its way, redraws the list and the form the next test
    // opens in it.
    await page.waitForFunction(
      () => document.querySelector('.intervention .state')?.textContent === 'État : En cours',
    );
    expect(await status(ids.school!)).toBe('in_progress');
  });

  it('reports it done with a photo while offline, and sends it once when the network returns', async () => {
    await context.setOffline(true);
    const school = card(/devant l’école/);
    await school.getByRole('button', { name: 'Terminée' }).click();
    await page.keyboard.type('Ampoule LED posée, mât vérifié');
    await school
      .locator('input[type=file]')
      .setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await school.getByRole('button', { name: 'Valider : terminée' }).click();
    await page.waitForFunction(
      () => document.querySelector('#sync')?.textContent === 'Hors ligne : 1 action en attente d’envoi.',
    );
    expect(await school.textContent()).toContain('État : Terminée (en attente d’envoi)');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/terrain-hors-ligne-375.png`, fullPage: true });
    expect(await status(ids.school!)).toBe('in_progress');

    // The network returns, but the answer to the first "done" is lost on its way back to the phone.
    let lost = 0;
    let answerLost: () => void = () => undefined;
    const firstTry = new Promise<void>((resolve) => (answerLost = resolve));
    await page.route('**/api/v1/interventions/*/status', async (route) => {
      if (lost === 0) {
        lost += 1;
        await route.fetch(); // reaches the server…
        await route.abort('failed'); // …the phone never hears back.
        answerLost();
      } else await route.continue();
    });
    await context.setOffline(false);
    await firstTry;
    await page.waitForFunction(
      () => document.querySelector('#sync')?.textContent === '1 action en attente d’envoi…',
    );
    expect(await status(ids.school!)).toBe('done');
    // The phone tries again (same client id): the server answers what it answered, writing nothing new.
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForFunction(() => document.querySelector('#sync')?.textContent === 'Tout est envoyé.');
    const events = await rows<{ n: string }>(
      container,
      `SELECT count(*) AS n FROM request_events
        WHERE kind = 'intervention' AND details ->> 'interventionId' = $1 AND details ->> 'status' = 'done'`,
      [ids.school],
    );
    expect(Number(events[0]?.n)).toBe(1);
    const photos = await rows(container, 'SELECT id FROM intervention_photos WHERE intervention_id = $1', [
      ids.school,
    ]);
    expect(photos).toHaveLength(1);
    const done = await rows<{ done_comment: string; done_photo: string }>(
      container,
      'SELECT done_comment, done_photo FROM interventions WHERE id = $1',
      [ids.school],
    );
    expect(done[0]?.done_comment).toBe('Ampoule LED posée, mât vérifié');
    expect(done[0]?.done_photo).toMatch(new RegExp(`^/api/v1/interventions/${ids.school}/photos/`));
    // Done work leaves today's list of things to do.
    await page.waitForFunction(() =>
      /État : Terminée$/.test(document.querySelectorAll('.intervention .state')[0]?.textContent ?? ''),
    );
  });

  it('shows the team chosen last when the first team’s list answers late', async () => {
    const me = (await request(container.app).get('/api/v1/me').set(bearer(lou)).expect(200)).body as {
      agentId: string;
    };
    const roads = await createTeam('Voirie', [me.agentId]);
    await planToday(
      roads,
      { category: 'voirie', description: 'Nid-de-poule', lat: 47.1202, lon: 5.9301 },
      { what: 'Reboucher le nid-de-poule', priority: 'normal' },
    );
    const work: Record<string, string> = {
      'Éclairage public': 'Remplacer la lanterne de la place',
      Voirie: 'Reboucher le nid-de-poule',
    };

    // The list of the team shown first answers only once the other team's has (a busy server).
    const lateAnswerDrawn = await answerFirstLate(page, (url) => url.pathname === '/api/v1/interventions');
    await page.goto(`${server.base}/console/terrain.html`);
    await page.waitForSelector('#field:not([hidden])');
    const other = await page.$eval('#team', (select) => {
      const s = select as HTMLSelectElement;
      return Array.from(s.options).find((o) => o.value !== s.value)?.textContent ?? '';
    });
    expect(Object.keys(work)).toContain(other);
    await page.selectOption('#team', { label: other });
    await page.locator('.intervention h2', { hasText: work[other] }).waitFor();
    await lateAnswerDrawn();
    const shown = await page.locator('.intervention h2').allTextContents();
    expect(shown).toContain(work[other]);
    for (const [team, what] of Object.entries(work)) if (team !== other) expect(shown).not.toContain(what);
  });
});
