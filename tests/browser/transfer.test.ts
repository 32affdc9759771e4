// Several actors, one territory, in Debian's Chromium: from a request's page, with the keyboard only, a supervisor
// hands a water leak to the water utility (the timeline says so in French, the citizen's web chat is told), an
// agent of the mairie does the same and is told the request has left their list; the "Sur le territoire" page
// lists every actor's open requests with French labels and no personal data; axe-core finds nothing; at 375 px
// nothing scrolls sideways.
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { Container } from '../../server/container';
import {
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

describe('transfers and the territory page (headless Chromium)', () => {
  let container: Container;
  let server: Awaited<ReturnType<typeof listen>>;
  let browser: Browser;
  const tokens = { supervisor: '', mairie: '', ambreuil: '' };

  const leak = async (description: string) => {
    const seeded = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      text: `${description}, appelez-moi au 06 12 34 56 78`,
      requests: [
        {
          type: 'report_incident',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          location: { lat: 47.1187, lon: 6.0724 },
          payload: incidentPayload('eau', `${description} — Jeanne Dupont, 06 12 34 56 78`),
        },
      ],
    });
    await rows(container, `UPDATE requests SET address_text = 'Rue Basse, Vernière' WHERE reference = $1`, [
      seeded.references[0],
    ]);
    return { reference: seeded.references[0]!, conversationId: seeded.conversationId };
  };

  /** A report of litter in Saint-Ambreuil (another commune of the territory). */
  const litterInAmbreuil = (description: string) =>
    seedConversation(container, {
      tenantId: DEMO_TENANT,
      requests: [
        {
          type: 'report_incident',
          authorityId: 'commune-saint-ambreuil',
          communeId: 'saint-ambreuil',
          payload: incidentPayload('proprete', description),
        },
      ],
    });

  beforeAll(async () => {
    container = await backofficeContainer();
    server = await listen(container);
    tokens.supervisor = (
      await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT, name: 'Sacha Responsable' })
    ).token;
    tokens.mairie = (
      await issueToken(container, {
        role: 'agent',
        tenantId: DEMO_TENANT,
        authorityId: 'commune-verniere',
        name: 'Camille Mairie',
      })
    ).token;
    tokens.ambreuil = (
      await issueToken(container, {
        role: 'agent',
        tenantId: DEMO_TENANT,
        authorityId: 'commune-saint-ambreuil',
        name: 'Dominique Ambreuil',
      })
    ).token;
    browser = await launchChromium();
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    if (server) await closeServer(server.server);
    await container?.close();
  });

  async function signedIn(token: string, width: number, path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(`${server.base}/console`);
    await page.fill('#token', token);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');
    await page.goto(`${server.base}${path}`);
    return page;
  }

  /** Fills the transfer card and sends it with the keyboard only. */
  async function transferWithKeyboard(page: Page, authority: string, reason: string): Promise<void> {
    await page.focus('#transfer-authority');
    await page.selectOption('#transfer-authority', { label: authority });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('transfer-reason');
    await page.keyboard.type(reason);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Transférer la demande');
    await page.keyboard.press('Enter');
  }

  it('a supervisor hands a leak to the water utility: the timeline says so, the citizen is told who handles it now', async () => {
    const { reference, conversationId } = await leak('De l’eau jaillit du trottoir');
    const page = await signedIn(tokens.supervisor, 1280, `/console/demande.html?ref=${reference}`);
    await page.waitForSelector('#request:not([hidden])');
    await page.waitForSelector('#timeline li');
    const offered = await page.$$eval('#transfer-authority option', (options) =>
      options.map((o) => o.textContent),
    );
    expect(offered).toContain('Syndicat des eaux de la Loue');
    expect(offered).not.toContain('Mairie de Vernière');
    // Nothing chosen: said in plain words, nothing sent.
    await page.focus('#transfer-form button[type=submit]');
    await page.keyboard.press('Enter');
    expect(await page.textContent('#transfer-error')).toBe(
      'Choisissez la structure qui traitera la demande.',
    );
    await page.screenshot({ path: `${SCREENSHOTS}/transfer-card-1280.png`, fullPage: true });

    await transferWithKeyboard(
      page,
      'Syndicat des eaux de la Loue',
      'Fuite sur le réseau : compétence du syndicat',
    );
    await page.waitForFunction(() =>
      /Transférée à Syndicat des eaux de la Loue — Fuite sur le réseau : compétence du syndicat/.test(
        document.querySelector('#timeline')?.textContent ?? '',
      ),
    );
    expect(await page.textContent('#summary')).toContain('Service compétentSyndicat des eaux de la Loue');
    const offeredAfter = await page.$$eval('#transfer-authority option', (options) =>
      options.map((o) => o.textContent),
    );
    expect(offeredAfter).toContain('Mairie de Vernière');
    expect(offeredAfter).not.toContain('Syndicat des eaux de la Loue');
    const timeline = (await page.textContent('#timeline')) ?? '';
    expect(timeline).toContain(
      `Votre demande ${reference} est désormais traitée par Syndicat des eaux de la Loue.`,
    );
    expect(timeline).not.toMatch(/syndicat-eaux-loue|commune-verniere/);
    const transcript = await rows<{ text: string }>(
      container,
      'SELECT text FROM messages WHERE conversation_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1',
      [conversationId],
    );
    expect(transcript).toEqual([
      { text: `Votre demande ${reference} est désormais traitée par Syndicat des eaux de la Loue.` },
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/transfer-done-1280.png`, fullPage: true });
    await page.close();
  });

  it('an agent of the mairie transfers a leak and is told it has left their requests', async () => {
    const { reference } = await leak('Bouche à clé qui fuit');
    const page = await signedIn(tokens.mairie, 375, `/console/demande.html?ref=${reference}`);
    await page.waitForSelector('#request:not([hidden])');
    await page.waitForSelector('#timeline li');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await transferWithKeyboard(page, 'Syndicat des eaux de la Loue', 'Réseau d’eau potable');
    await page.waitForSelector('#transferred:not([hidden])');
    expect(await page.textContent('#transferred-text')).toBe(
      `La demande ${reference} est désormais traitée par Syndicat des eaux de la Loue. Elle ne fait plus partie ` +
        'de vos demandes.',
    );
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('transferred-title');
    expect(await page.isHidden('#request')).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/transfer-left-375.png`, fullPage: true });
    // Reloaded, the page says it is out of their scope.
    await page.reload();
    await page.waitForFunction(() => (document.querySelector('#page-error')?.textContent ?? '') !== '');
    expect(await page.textContent('#page-error')).toBe(
      'Cette demande n’existe pas ou n’est pas dans votre périmètre.',
    );
    await page.close();
  });

  it('"Sur le territoire" lists every actor’s open requests in French, without personal data, by keyboard, at 1280 and 375 px', async () => {
    const { reference } = await leak('Plaque d’égout descellée');
    const moved = await leak('Compteur d’eau qui fuit');
    await request(container.app)
      .post(`/api/v1/requests/${moved.reference}/transfer`)
      .set(bearer(tokens.supervisor))
      .send({ authorityId: 'syndicat-eaux-loue', reason: 'Compteur : le syndicat' })
      .expect(200);
    await litterInAmbreuil('Dépôt sauvage');
    for (const width of [1280, 375]) {
      const page = await signedIn(tokens.ambreuil, width, '/console');
      // From the requests panel, the link to the territory page.
      await page.click('.tab[data-tab=requests]');
      await page.click('text=Sur le territoire');
      await page.waitForSelector('#open-table:not([hidden])');
      const table = (await page.textContent('#open-table')) ?? '';
      expect(table).toContain(reference);
      expect(table).toContain('Mairie de Vernière');
      expect(table).toContain('Syndicat des eaux de la Loue');
      expect(table).toContain('Rue Basse, Vernière');
      expect(table).toContain('Signalement');
      expect(table).not.toMatch(
        /report_incident|commune-|syndicat-eaux|verniere|Jeanne|06 12 34 56 78|jaillit/,
      );
      expect(await page.textContent('#open-count')).toMatch(/^\d+ demandes en cours\.$/);
      // Only Vernière, with the keyboard.
      await page.focus('#filter-commune');
      await page.selectOption('#filter-commune', { label: 'Vernière' });
      await page.focus('#territory-filters button[type=submit]');
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        () => !/Saint-Ambreuil/.test(document.querySelector('#open-rows')?.textContent ?? ''),
      );
      expect(await page.textContent('#open-rows')).toContain(reference);
      await page.screenshot({ path: `${SCREENSHOTS}/territory-${width}.png`, fullPage: true });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect([width, overflow]).toEqual([width, expect.any(Number)]);
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await axeViolations(page)).toEqual([]);
      await page.close();
    }
  });

  it('"Sur le territoire" shows the filter chosen last when the first list answers late', async () => {
    const { reference } = await leak('Regard d’eau pluviale bouché');
    await litterInAmbreuil('Sacs au pied du conteneur');
    const page = await signedIn(tokens.ambreuil, 1280, '/console');
    // The page's first list (every commune) answers only once the list of Vernière has (a busy server).
    const lateAnswerDrawn = await answerFirstLate(
      page,
      (url) => url.pathname === '/api/v1/territory/open-requests',
    );
    await page.goto(`${server.base}/console/territoire.html`);
    await page.selectOption('#filter-commune', { label: 'Vernière' });
    await page.click('#territory-filters button[type=submit]');
    await page.waitForFunction(
      (ref) => (document.querySelector('#open-rows')?.textContent ?? '').includes(ref),
      reference,
    );
    await lateAnswerDrawn();
    const rowsShown = (await page.textContent('#open-rows')) ?? '';
    expect(rowsShown).toContain(reference);
    expect(rowsShown).not.toMatch(/Saint-Ambreuil/);
    await page.close();
  });
});
