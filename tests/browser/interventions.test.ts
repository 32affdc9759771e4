// Interventions on a request's page (issue 18 points 2 and 5), in Debian's Chromium: a supervisor plans the
// repair of a street lamp for the Éclairage team with the keyboard; it shows in the "Interventions" card with
// French words (team, day, priority, state), the request is in progress, the timeline says it and the citizen's
// web chat got the day; an agent sees the card without the form; axe-core finds nothing; 375 px fits.
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { Container } from '../../server/container';
import {
  ADMIN_TOKEN,
  backofficeContainer,
  bearer,
  closeServer,
  incidentPayload,
  issueToken,
  listen,
  rows,
  seedConversation,
  CONTAINER_TIMEOUT_MS,
} from '../backoffice/support';
import { axeViolations, launchChromium, SCREENSHOTS } from '../support/browser';
import { DEMO_TENANT } from '../support/harness';

jest.setTimeout(120_000);

describe('interventions on the request page (headless Chromium)', () => {
  let container: Container;
  let server: Awaited<ReturnType<typeof listen>>;
  let browser: Browser;
  let supervisor: string;
  let agent: string;
  let reference: string;
  let conversationId: string;

  beforeAll(async () => {
    container = await backofficeContainer();
    server = await listen(container);
    supervisor = (
      await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT, name: 'Alex Chef' })
    ).token;
    const issued = await issueToken(container, {
      role: 'agent',
      tenantId: DEMO_TENANT,
      name: 'Lou Éclairage',
    });
    agent = issued.token;
    for (const name of ['Éclairage public', 'Voirie'])
      await request(container.app)
        .post('/api/v1/teams')
        .set(bearer(ADMIN_TOKEN))
        .send({ tenantId: DEMO_TENANT, name, memberIds: name === 'Voirie' ? [] : [issued.agentId] })
        .expect(201);
    const seeded = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      text: 'Le lampadaire devant la mairie ne s’allume plus',
      requests: [
        {
          type: 'report_incident',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          location: { lat: 47.1102, lon: 5.9201 },
          payload: incidentPayload('eclairage', 'Le lampadaire ne s’allume plus'),
        },
      ],
    });
    reference = seeded.references[0]!;
    conversationId = seeded.conversationId;
    browser = await launchChromium();
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    if (server) await closeServer(server.server);
    await container?.close();
  });

  async function signedInPage(token: string, width: number): Promise<Page> {
    // A French browser, as the agents' is.
    const page = await browser.newPage({ viewport: { width, height: 900 }, locale: 'fr-FR' });
    await page.goto(`${server.base}/console`);
    await page.fill('#token', token);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');
    await page.goto(`${server.base}/console/demande.html?ref=${reference}`);
    await page.waitForSelector('#request:not([hidden])');
    await page.waitForSelector('#interventions li');
    return page;
  }

  it('lets a supervisor plan an intervention with the keyboard; it shows in French and the citizen is told', async () => {
    const page = await signedInPage(supervisor, 1280);
    expect(await page.textContent('#interventions')).toContain('Aucune intervention prévue.');
    await page.waitForSelector('#intervention-form:not([hidden])');
    // Empty work is refused before anything is sent, in words.
    await page.focus('#intervention-form button[type=submit]');
    await page.keyboard.press('Enter');
    expect(await page.textContent('#intervention-error')).toBe('Décrivez les travaux à faire.');

    await page.focus('#intervention-team');
    await page.selectOption('#intervention-team', { label: 'Éclairage public' });
    await page.keyboard.press('Tab');
    await page.keyboard.type('Remplacer l’ampoule du lampadaire');
    await page.keyboard.press('Tab');
    // The date field is the browser's own widget: its value is set as a day, the rest is typed.
    await page.fill('#intervention-date', '2026-12-12');
    await page.focus('#intervention-priority');
    await page.selectOption('#intervention-priority', { label: 'Haute' });
    await page.keyboard.press('Tab');
    await page.keyboard.type('Nacelle nécessaire');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Prévoir l’intervention');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      /Remplacer l’ampoule/.test(document.querySelector('#interventions')?.textContent ?? ''),
    );

    const card = (await page.textContent('#interventions')) ?? '';
    expect(card).toContain('StatutPrévue');
    expect(card).toContain('ÉquipeÉclairage public');
    expect(card).toContain('Prévue le12/12/2026');
    expect(card).toContain('PrioritéHaute');
    expect(card).toContain('ConsignesNacelle nécessaire');
    expect(card).not.toMatch(/planned|high|[0-9a-f]{8}-[0-9a-f]{4}/);
    await page.waitForFunction(() =>
      /Statut : En cours/.test(document.querySelector('#request-status')?.textContent ?? ''),
    );
    await page.waitForFunction(() =>
      /Intervention prévue/.test(document.querySelector('#timeline')?.textContent ?? ''),
    );
    expect(await page.inputValue('#intervention-what')).toBe('');
    const transcript = await rows<{ text: string }>(
      container,
      `SELECT text FROM messages WHERE conversation_id = $1 ORDER BY id DESC LIMIT 1`,
      [conversationId],
    );
    expect(transcript[0]?.text).toBe(
      `Une intervention est prévue le 12/12/2026 pour votre signalement ${reference} (Éclairage public).`,
    );
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/interventions-1280.png`, fullPage: true });
    await page.close();
  });

  it('shows an agent the interventions without the planning form, and fits 375 px', async () => {
    const page = await signedInPage(agent, 375);
    await page.waitForFunction(() =>
      /Remplacer l’ampoule/.test(document.querySelector('#interventions')?.textContent ?? ''),
    );
    expect(await page.isHidden('#intervention-form')).toBe(true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/interventions-agent-375.png`, fullPage: true });
    await page.close();
  });

  it('fits the supervisor’s form on a 375 px phone', async () => {
    const page = await signedInPage(supervisor, 375);
    await page.waitForSelector('#intervention-form:not([hidden])');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/interventions-375.png`, fullPage: true });
    await page
      .locator('section', { has: page.locator('#interventions-title') })
      .screenshot({ path: `${SCREENSHOTS}/interventions-card-375.png` });
    await page.close();
  });
});
