// The territory's public page and the supervisors' "Questions sans réponse" in headless Chromium: the page opens
// without sign-in, its map draws the open reports as markers although the tile server cannot be reached, its
// list of reports opens by keyboard; the supervisor sees the grouped questions and marks one handled by keyboard;
// axe finds no violation on either; screenshots at 1280 and 375 px (SCREENSHOT_DIR) to look at.
import type { Browser, Page } from 'playwright-core';
import type { Container } from '../../server/container';
import {
  answerFirstLate,
  axeViolations,
  consoleWithToken,
  launchChromium,
  SCREENSHOTS,
} from '../support/browser';
import { DEMO_TENANT } from '../support/harness';
import {
  backofficeContainer,
  closeServer,
  CONTAINER_TIMEOUT_MS,
  incidentPayload,
  issueToken,
  listen,
  rows,
  seedConversation,
} from '../backoffice/support';

jest.setTimeout(120_000);
const DAY_MS = 24 * 3600 * 1000;

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SCREENSHOTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('public page and knowledge gaps (headless Chromium)', () => {
  let container: Container;
  let server: Awaited<ReturnType<typeof listen>>;
  let browser: Browser;
  let supervisor: string;

  beforeAll(async () => {
    // Tiles from a port where nothing listens: the markers must show anyway. Tomorrow: today's requests count.
    container = await backofficeContainer(
      { MAP_TILE_URL: 'http://127.0.0.1:9/{z}/{x}/{y}.png' },
      { clock: () => new Date(Date.now() + DAY_MS) },
    );
    server = await listen(container);
    supervisor = (await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT, name: 'Inès' }))
      .token;
    const seeds: Promise<unknown>[] = [];
    for (let i = 0; i < 12; i += 1)
      seeds.push(
        seedConversation(container, {
          tenantId: DEMO_TENANT,
          requests: [
            {
              type: 'report_incident',
              authorityId: i % 2 ? 'commune-montcey-sur-loue' : 'cc-val-de-loue',
              communeId: i % 2 ? 'montcey-sur-loue' : 'saint-ambreuil',
              location: { lat: 47.1 + i / 400, lon: 6.04 + i / 300 },
              payload: incidentPayload(i % 2 ? 'eclairage' : 'proprete', 'Camille Martin 06 12 34 56 78'),
            },
          ],
        }),
      );
    await Promise.all(seeds);
    for (const [i, text] of [
      'Le refuge pour chats accepte-t-il les adoptions ?',
      'adoptions au refuge pour chats',
      'Des adoptions au refuge pour chats, c’est possible ?',
      'Combien coûte une place de port pour un voilier ?',
    ].entries())
      await container.engine.handleTurn({
        tenantId: DEMO_TENANT,
        channel: 'webchat',
        address: `wc_b${i}`,
        text,
      });
    browser = await launchChromium();
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    if (server) await closeServer(server.server);
    await container?.close();
  });

  it('shows the public page without sign-in, with markers, a keyboard list and no axe violation', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.base}/territoire/${DEMO_TENANT}/`);
    await page.waitForFunction(() =>
      /12 signalements en cours/.test(document.getElementById('carte-etat')?.textContent ?? ''),
    );
    expect(await page.locator('#carte-signalements path.leaflet-interactive').count()).toBe(12);
    expect(await page.locator('h1').textContent()).toMatch(/demandes des usagers/);
    const lighting = page.locator('#categories tbody tr', { hasText: 'Éclairage public' });
    expect(await lighting.locator('td').first().textContent()).toMatch(/^6/);
    // The skip link first, then the list of reports opened with the keyboard.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Aller au contenu');
    await page.focus('#carte-liste summary');
    await page.keyboard.press('Enter');
    expect(await page.locator('#carte-liste tbody tr').count()).toBe(12);
    expect(await page.locator('#carte-liste tbody tr').first().textContent()).toMatch(
      /(Éclairage public|Propreté).*Reçue/,
    );
    expect(await page.content()).not.toMatch(/Camille|06 12 34 56 78/);
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 375, height: 900 });
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'territoire-public');
    await page.close();
  });

  it('lists the questions without answer for a supervisor, who marks one handled by keyboard', async () => {
    const page = await consoleWithToken(browser, server.base, supervisor);
    await page.goto(`${server.base}/console/lacunes.html`);
    await page.waitForSelector('#gap-list > li');
    const groups = page.locator('#gap-list > li');
    expect(await groups.count()).toBe(2);
    expect(await groups.first().textContent()).toMatch(/refuge pour chats.*3 fois.*Chat du site/s);
    expect(await page.locator('#gap-count').textContent()).toBe('2 sujets, 4 questions.');
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'lacunes');
    await groups.first().locator('summary').focus();
    await page.keyboard.press('Enter');
    await groups.first().getByRole('button', { name: 'Marquer comme traitée' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#gap-list > li').length === 1);
    await page.waitForFunction(() =>
      /marquée comme traitée/.test(document.getElementById('announce')?.textContent ?? ''),
    );
    // The focus moves to the next group's button, not to the top of the page.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Marquer comme traitée');
    await page.close();
  });

  it('shows the period chosen last when the page’s first list answers late', async () => {
    // A question of two months ago: in the 90 days the page opens on, not in the last 30 days.
    await rows(
      container,
      `INSERT INTO knowledge_gaps (tenant_id, question, channel, created_at)
       VALUES ($1, 'Où vider les toilettes d’un camping-car ?', 'webchat', now() - interval '60 days')`,
      [DEMO_TENANT],
    );
    const page = await consoleWithToken(browser, server.base, supervisor);
    // The first list (90 days) answers only once the 30 days' has (a busy server).
    const lateAnswerDrawn = await answerFirstLate(page, (url) => url.pathname === '/api/v1/knowledge-gaps');
    await page.goto(`${server.base}/console/lacunes.html`);
    await page.selectOption('#gap-days', '30');
    await page.click('#gap-filters button[type=submit]');
    await page.waitForFunction(() => (document.getElementById('gap-count')?.textContent ?? '') !== '');
    const shown = await page.textContent('#gap-count');
    await lateAnswerDrawn();
    expect(await page.textContent('#gap-count')).toBe(shown);
    expect(await page.textContent('#gap-list')).not.toContain('camping-car');
    await page.close();
  });

  it('keeps a period chosen before the page has started (no native submit, no reload)', async () => {
    const page = await consoleWithToken(browser, server.base, supervisor);
    // The territory's vocabulary, the last step of the page's start, answers only once the period is submitted.
    let release!: () => void;
    const submitted = new Promise<void>((resolve) => (release = resolve));
    await page.route(
      (url) => url.pathname.endsWith('/vocabulary'),
      async (route) => {
        await submitted;
        await route.continue();
      },
    );
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations += 1;
    });
    await page.goto(`${server.base}/console/lacunes.html`);
    await page.selectOption('#gap-days', '30');
    await page.click('#gap-filters button[type=submit]');
    release();
    await page.waitForFunction(() =>
      /Aucune question|sujet/.test(document.getElementById('announce')?.textContent ?? ''),
    );
    expect(navigations).toBe(1); // the page's own load only
    expect(await page.inputValue('#gap-days')).toBe('30');
    // The question of two months ago (written by the test above) is in the 90 days the page opens on, not in these.
    expect(await page.textContent('#gap-list')).not.toContain('camping-car');
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.close();
  });
});
