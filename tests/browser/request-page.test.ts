// A request's page as an agent uses it (issue 17 point 3), in Debian's Chromium: labels in French, the place on a
// map whose point and address stay readable though no tile can load here, the contact shown on demand, an internal
// note and a saved reply sent with the keyboard, both in the timeline, the reply delivered to the citizen's web
// chat; axe-core finds nothing; at 375 px the page does not scroll sideways.
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
import { answerFirstLate, axeViolations, launchChromium, SCREENSHOTS } from '../support/browser';
import { DEMO_TENANT } from '../support/harness';

jest.setTimeout(120_000);

describe('request page (headless Chromium)', () => {
  let container: Container;
  let server: Awaited<ReturnType<typeof listen>>;
  let browser: Browser;
  let agent: string;
  let reference: string;
  let conversationId: string;

  beforeAll(async () => {
    container = await backofficeContainer({ OUTBOX_RELAY: 'true', OUTBOX_POLL_MS: '100' });
    server = await listen(container);
    const issued = await issueToken(container, {
      role: 'agent',
      tenantId: DEMO_TENANT,
      name: 'Camille Martin',
    });
    agent = issued.token;
    await request(container.app)
      .post('/api/v1/teams')
      .set(bearer(ADMIN_TOKEN))
      .send({ tenantId: DEMO_TENANT, name: 'Éclairage public', memberIds: [issued.agentId] })
      .expect(201);
    const supervisor = (await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT })).token;
    await request(container.app)
      .post('/api/v1/saved-replies')
      .set(bearer(supervisor))
      .send({
        title: 'Intervention planifiée',
        body: 'Votre demande {reference} à {commune} est prise en charge.',
      })
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
          payload: {
            ...incidentPayload('eclairage', 'Le lampadaire ne s’allume plus'),
            photo: { url: 'https://media.example.org/l.jpg' },
          },
        },
      ],
    });
    reference = seeded.references[0]!;
    conversationId = seeded.conversationId;
    // A neighbour reported the same lamp by SMS and follows this request instead of filing a duplicate.
    const neighbour = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address: '+33611223344',
      text: 'lampadaire en panne devant la mairie',
    });
    await rows(
      container,
      `INSERT INTO request_followers (request_id, contact_id)
       SELECT id, $2::uuid FROM requests WHERE reference = $1`,
      [reference, neighbour.contactId],
    );
    browser = await launchChromium();
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    if (server) await closeServer(server.server);
    await container?.close();
  });

  async function signedInPage(width: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(`${server.base}/console`);
    await page.fill('#token', agent);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');
    await page.goto(`${server.base}/console/demande.html?ref=${reference}`);
    await page.waitForSelector('#request:not([hidden])');
    await page.waitForSelector('#timeline li');
    return page;
  }

  it('shows the request with names, not ids, and its place even without tiles', async () => {
    const page = await signedInPage(1280);
    expect(await page.textContent('h1')).toBe(`Demande ${reference}`);
    const summary = (await page.textContent('#summary')) ?? '';
    expect(summary).toContain('Signalement');
    expect(summary).toContain('Éclairage public');
    expect(summary).toContain('Vernière');
    expect(summary).toContain('Mairie de Vernière');
    expect(summary).not.toMatch(/report_incident|eclairage|verniere|commune-verniere/);
    expect(summary).toMatch(
      /Suivie aussi par1 personne ayant signalé le même problème \(SMS, \d{2}\/\d{2}\/\d{4}/,
    );
    expect(summary).not.toContain('+33611223344');
    // The conversation it came from opens in the console.
    const link = page.getByRole('link', { name: /Chat du site · en cours/ });
    expect(await link.getAttribute('href')).toBe(`/console?conversation=${conversationId}`);
    await link.click();
    await page.waitForSelector('#conversation:not([hidden])');
    // The conversation shows before its requests, which wait for the territory's labels.
    await page.locator('#conv-requests li', { hasText: reference }).waitFor();
    expect(await page.textContent('#conv-requests')).toContain(
      `${reference} · Signalement · Éclairage public · Reçue`,
    );
    await page.goBack();
    // The request and its timeline come from two calls: wait for both.
    await page.waitForSelector('#request:not([hidden])');
    await page.waitForSelector('#timeline li');
    expect(await page.textContent('#request-status')).toMatch(/^Statut : Reçue/);
    // No tile can load here: the point is drawn (a vector marker) and the position is written out.
    await page.waitForSelector('#map .leaflet-overlay-pane path');
    expect(await page.getAttribute('#map', 'aria-label')).toMatch(/Carte : position de la demande/);
    expect(await page.textContent('#map-note')).toContain('47.11020, 5.92010');
    expect(await page.textContent('#timeline')).toContain('Le lampadaire devant la mairie ne s’allume plus');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/request-page-1280.png`, fullPage: true });
    await page.close();
  });

  it('works with the keyboard: assignment, contact on demand, an internal note, a saved reply the citizen receives', async () => {
    const page = await signedInPage(1280);
    await page.focus('#assign-team');
    await page.selectOption('#assign-team', { label: 'Éclairage public' });
    await page.selectOption('#assign-agent', { label: 'Camille Martin' });
    await page.focus('#assign-form button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      /Attribuée à Éclairage public — Camille Martin/.test(
        document.querySelector('#timeline')?.textContent ?? '',
      ),
    );
    expect(await page.textContent('#summary')).toMatch(/ÉquipeÉclairage public\s*AgentCamille Martin/);

    await page.focus('#reveal');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#contact:not([hidden])');
    expect(await page.textContent('#contact')).toContain('Chat du site');
    expect(
      await rows(
        container,
        `SELECT 1 FROM audit_log WHERE action = 'contact.view' AND details ->> 'reference' = $1`,
        [reference],
      ),
    ).toHaveLength(1);

    await page.focus('#note-text');
    await page.keyboard.type('Prestataire prévenu');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      /Note interne/.test(document.querySelector('#timeline')?.textContent ?? ''),
    );

    await page.focus('#saved-reply');
    await page.selectOption('#saved-reply', { label: 'Intervention planifiée' });
    await page.focus('#reply-form button[type=submit]');
    await page.keyboard.press('Enter');
    const text = `Votre demande ${reference} à Vernière est prise en charge.`;
    // The relay delivers it to the citizen's web chat; the timeline then says so.
    await page.waitForFunction(
      () => /Remis/.test(document.querySelector('#timeline')?.textContent ?? ''),
      undefined,
      { timeout: 20_000 },
    );
    await page.reload();
    await page.waitForSelector('#timeline li');
    const timeline = (await page.textContent('#timeline')) ?? '';
    expect(timeline).toContain('Prestataire prévenu');
    expect(timeline).toContain(text);
    expect(timeline).toContain('Message au demandeur');
    expect(timeline).toContain('Remis');
    // The citizen's conversation has the reply; the internal note was never sent.
    const transcript = await rows<{ text: string }>(
      container,
      'SELECT text FROM messages WHERE conversation_id = $1 ORDER BY created_at',
      [conversationId],
    );
    expect(transcript.map((m) => m.text)).toContain(text);
    expect(transcript.map((m) => m.text).join(' ')).not.toContain('Prestataire');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('keeps both notes of two in a row in the timeline when the first one’s timeline answers late', async () => {
    const page = await signedInPage(1280);
    // The timeline asked after the first note (read by the server then, without the second note) reaches the
    // page only once the one asked after the second note has.
    const lateAnswerDrawn = await answerFirstLate(page, (url) => url.pathname.endsWith('/timeline'));
    for (const note of ['Premier passage prévu lundi', 'Second passage prévu mardi']) {
      await page.fill('#note-text', note);
      await page.click('#note-form button[type=submit]');
      // Sent once the box is emptied.
      await page.waitForFunction(
        () => (document.querySelector('#note-text') as HTMLTextAreaElement).value === '',
      );
    }
    await page.waitForFunction(() =>
      /Second passage prévu mardi/.test(document.querySelector('#timeline')?.textContent ?? ''),
    );
    await lateAnswerDrawn();
    const timeline = (await page.textContent('#timeline')) ?? '';
    expect(timeline).toContain('Premier passage prévu lundi');
    expect(timeline).toContain('Second passage prévu mardi');
    await page.close();
  });

  it('fits a 375 px phone without sideways scrolling', async () => {
    const page = await signedInPage(375);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/request-page-375.png`, fullPage: true });
    await page.close();
  });
});
