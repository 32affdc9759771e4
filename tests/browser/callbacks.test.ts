// The "Rappels" tab and the ended-call reply box in headless Chromium: a callback the bot promised is listed
// with the number as a tel: link and the citizen's question; "Injoignable" (with a note, by keyboard) counts
// an attempt, "Rappel fait" closes it; a phone conversation taken over offers an SMS instead of a reply;
// axe finds no serious violation; screenshots at 1280 and 375 px (SCREENSHOT_DIR) to look at.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Container } from '../../server/container';
import { talk } from '../support/conversation';
import { answerFirstLate, axeViolations, launchChromium } from '../support/browser';
import { DEMO_TENANT } from '../support/harness';
import { TWILIO_ENV } from '../channels/twilio-helpers';
import { done } from '../conversations/helpers';
import {
  backofficeContainer,
  closeServer,
  issueToken,
  listen,
  seedConversation,
  CONTAINER_TIMEOUT_MS,
  OUT_OF_HOURS,
} from '../backoffice/support';

jest.setTimeout(120_000);

const SHOTS = process.env.SCREENSHOT_DIR;

async function shoot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('callbacks and ended calls in the console (headless Chromium)', () => {
  let container: Container;
  let server: Awaited<ReturnType<typeof listen>>;
  let browser: Browser;
  let agentToken: string;

  beforeAll(async () => {
    container = await backofficeContainer(TWILIO_ENV);
    server = await listen(container);
    agentToken = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Marie' })).token;
    await done(
      talk(container.engine, { now: OUT_OF_HOURS })
        .send('Mon voisin brûle des déchets verts tous les soirs, que puis-je faire ?')
        .send('je veux parler à un agent')
        .choose(/rappelé/)
        .send('06 12 34 56 78'),
    );
    await container.backoffice.relay.runOnce();
    await seedConversation(container, {
      tenantId: DEMO_TENANT,
      channel: 'voice',
      address: '+33623456789',
      owner: 'queue',
      text: 'Je voudrais savoir si la déchetterie prend les pneus',
    });
    browser = await launchChromium();
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    if (server) await closeServer(server.server);
    await container?.close();
  });

  async function signedIn(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.base}/console`);
    await page.fill('#token', agentToken);
    await page.press('#token', 'Enter');
    await page.waitForSelector('#app:not([hidden])');
    return page;
  }

  it('lists the promised callback, marks it not reached then done, by keyboard', async () => {
    const page = await signedIn();
    await page.click('.tab[data-tab="callbacks"]');
    await page.waitForSelector('#callbacks-list .callback');
    const card = page.locator('#callbacks-list .callback').first();
    expect(await card.locator('a[href="tel:+33612345678"]').textContent()).toBe('06 12 34 56 78');
    expect(await card.textContent()).toContain('Mon voisin brûle des déchets verts');
    expect(await card.textContent()).toMatch(/Promis avant \d{2}\/\d{2}\/\d{4}/);
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'rappels');

    await card.locator('textarea').focus();
    await page.keyboard.type('Messagerie');
    await page.keyboard.press('Tab'); // "Rappel fait"
    await page.keyboard.press('Tab'); // "Injoignable"
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      /1 tentative/.test(document.querySelector('#callbacks-list')?.textContent ?? ''),
    );
    expect(await page.textContent('#callbacks-list')).toContain('Note : Messagerie');

    await page.locator('#callbacks-list .callback button', { hasText: 'Rappel fait' }).first().click();
    await page.waitForFunction(() => document.querySelectorAll('#callbacks-list .callback').length === 0);
    // "Injoignables" answers late (a busy server), after "Faits" was chosen: the list stays the done one.
    const lateAnswerDrawn = await answerFirstLate(page, (url) => url.pathname === '/api/v1/callbacks');
    await page.selectOption('#callbacks-filter', 'not_reached');
    await page.selectOption('#callbacks-filter', 'done');
    await page.waitForSelector('#callbacks-list .callback');
    await lateAnswerDrawn();
    expect(await page.textContent('#callbacks-list')).toMatch(/Rappel fait · 2 tentatives/);
    await page.close();
  });

  it('shows the real question in the summary, and offers an SMS after an ended call', async () => {
    const page = await signedIn();
    await page.waitForSelector('#queue .conv');
    // The promised callback's conversation: its summary shows the question, not the menu choice.
    await page.locator('#queue .conv', { hasText: 'Téléphone' }).first().click();
    await page.waitForSelector('#conversation:not([hidden])');
    await page.click('#takeover');
    await page.waitForFunction(() =>
      /L’appel est terminé/.test(document.querySelector('#reply-reach')?.textContent ?? ''),
    );
    expect(await page.textContent('#reply-reach')).toBe(
      'L’appel est terminé. Envoyer un SMS au 06 23 45 67 89 ?',
    );
    expect(await page.textContent('#reply-send')).toBe('Envoyer le SMS');
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'appel-termine');

    await page.locator('#queue .conv', { hasText: 'Web chat' }).first().click();
    // The phone conversation's summary also says "Question du citoyen": wait for the web chat's own.
    await page.waitForFunction(() =>
      /Web chat/.test(document.querySelector('#conv-title')?.textContent ?? ''),
    );
    expect(await page.textContent('#summary')).toContain('Mon voisin brûle des déchets verts');
    expect(await page.textContent('#summary')).not.toContain('Laisser un message');
    await shoot(page, 'resume');
    await page.close();
  });

  it('shows the conversation chosen last when an earlier one answers late', async () => {
    const page = await signedIn();
    await page.waitForSelector('.conv-list .conv');
    // The first conversation opened (the phone call, taken over above, in "mine") answers only once the web
    // chat's has.
    const lateAnswerDrawn = await answerFirstLate(page, (url) =>
      /^\/api\/v1\/conversations\/[^/]+$/.test(url.pathname),
    );
    await page.locator('.conv-list .conv', { hasText: 'Téléphone' }).first().click();
    await page.locator('.conv-list .conv', { hasText: 'Web chat' }).first().click();
    await page.waitForFunction(() =>
      /Web chat/.test(document.querySelector('#conv-title')?.textContent ?? ''),
    );
    await lateAnswerDrawn();
    expect(await page.textContent('#conv-title')).toBe('Conversation Web chat');
    expect(await page.textContent('#summary')).toContain('Mon voisin brûle des déchets verts');
    await page.close();
  });
});
