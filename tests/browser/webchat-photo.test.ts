// The web chat widget's photo button in a real browser (Debian's Chromium, playwright-core) against the real
// app: the button is reached and used with the keyboard, the chosen photo shows in the conversation, the
// widget asks whether to use the photo's position as the place (only because the photo has one) and sends it
// only on "yes"; a file that is not a photo gets the server's French explanation. axe-core finds nothing,
// at desktop width and at 375 px (screenshots kept for a human look).
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Container } from '../../server/container';
import { createTestContainer } from '../support/harness';
import { SCREENSHOTS, axeViolations, launchChromium } from '../support/browser';
import { PHOTO_POSITION, jpegWithGps } from '../support/photos';

const HOOK_TIMEOUT_MS = 120_000;
const describeBrowser =
  existsSync('/usr/bin/chromium') || process.env.REQUIRE_SERVICES === '1' ? describe : describe.skip;

jest.setTimeout(60_000);

describeBrowser('web chat photo button in Chromium', () => {
  let container: Container;
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    container = await createTestContainer();
    server = await new Promise<Server>((resolve) => {
      const s = container.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await container?.close();
  }, HOOK_TIMEOUT_MS);

  async function openChat(width: number): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height: 800 }, locale: 'fr-FR' });
    const page = await context.newPage();
    // Playwright intercepts file choosers only once a listener exists, and turning that on is asynchronous: a
    // listener added with the key press could come after the dialog (then no event, a 30 s wait). Added now.
    page.on('filechooser', () => undefined);
    await page.goto(`${base}/`);
    await page.locator('.guichet-launcher').click();
    await page.locator('#guichet-input').fill('bonjour');
    await page.keyboard.press('Enter');
    // The answer to "bonjour" (not only the greeting shown at opening): its choices take the focus when they
    // arrive, which must happen before the test moves the focus itself.
    await page.locator('.guichet-log .guichet-msg--user ~ .guichet-msg--bot').first().waitFor();
    await page.waitForFunction(() => document.querySelector('.guichet-typing')?.textContent === '');
    return { context, page };
  }

  /** Tab from the message field to the photo button, Enter, and give the file chooser `file`. */
  async function attachWithKeyboard(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
    await page.locator('#guichet-input').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Joindre une photo',
    );
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Enter')]);
    await chooser.setFiles(file);
  }

  it.each([
    ['desktop', 1280],
    ['375px', 375],
  ])(
    'sends a photo from the keyboard, shows it, and asks before using its position (%s)',
    async (name, width) => {
      const { context, page } = await openChat(width);
      const turns = jest.spyOn(container.engine, 'handleTurn');
      try {
        await attachWithKeyboard(page, {
          name: 'nid-de-poule.jpg',
          mimeType: 'image/jpeg',
          buffer: await jpegWithGps(),
        });
        const photo = page.locator('.guichet-log .guichet-msg--user img.guichet-photo').last();
        await photo.waitFor();
        expect(await photo.getAttribute('alt')).toBe('Photo envoyée');
        await page.waitForFunction(() => {
          const img = document.querySelector<HTMLImageElement>('.guichet-log img.guichet-photo');
          return Boolean(img && img.complete && img.naturalWidth > 0);
        });
        const question = page.locator('.guichet-msg--bot', {
          hasText: 'Utiliser la position de la photo comme lieu ?',
        });
        await question.waitFor();
        // The question's first answer has the focus: Enter says yes.
        expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
          'Oui, utiliser cette position',
        );
        expect(await axeViolations(page)).toEqual([]);
        await page.screenshot({ path: path.join(SCREENSHOTS, `webchat-photo-question-${name}.png`) });

        const before = await page.locator('.guichet-log .guichet-msg--bot').count();
        await page.keyboard.press('Enter');
        await page.waitForFunction(
          (n) => document.querySelectorAll('.guichet-log .guichet-msg--bot').length > n,
          before,
        );
        const sent = turns.mock.calls.map((c) => c[0]).find((m) => m.media?.length);
        expect(sent?.media?.[0]?.url).toMatch(/^media:val-de-loue\//);
        expect(sent?.location?.lat).toBeCloseTo(PHOTO_POSITION.lat, 4);
        expect(sent?.location?.lon).toBeCloseTo(PHOTO_POSITION.lon, 4);
        expect(await axeViolations(page)).toEqual([]);
        await page.screenshot({ path: path.join(SCREENSHOTS, `webchat-photo-sent-${name}.png`) });

        // After a reload the history shows the photo again (read with the conversation's token), not an empty bubble.
        await page.reload();
        const restored = page.locator('.guichet-log .guichet-msg--user img.guichet-photo');
        await restored.first().waitFor();
        expect(await restored.count()).toBe(1);
        expect(await restored.first().getAttribute('alt')).toBe('Photo envoyée');
        await page.waitForFunction(() => {
          const img = document.querySelector<HTMLImageElement>('.guichet-log img.guichet-photo');
          return Boolean(img && img.complete && img.naturalWidth > 0);
        });
        const empty = await page.$$eval(
          '.guichet-log .guichet-msg--user .guichet-bubble',
          (bubbles) => bubbles.filter((b) => !b.textContent?.trim() && !b.querySelector('img')).length,
        );
        expect(empty).toBe(0);
        expect(await axeViolations(page)).toEqual([]);
        await page.screenshot({ path: path.join(SCREENSHOTS, `webchat-photo-reloaded-${name}.png`) });
      } finally {
        turns.mockRestore();
        await context.close();
      }
    },
  );

  it('shows the server’s French explanation for a file that is not a photo', async () => {
    const { context, page } = await openChat(375);
    try {
      await attachWithKeyboard(page, {
        name: 'facture.jpg',
        mimeType: 'image/jpeg',
        buffer: Buffer.from('%PDF-1.7'),
      });
      await page
        .locator('.guichet-msg--error', { hasText: 'Ce fichier n’est pas une photo lisible' })
        .waitFor();
      expect(await page.locator('.guichet-msg--user.guichet-msg--failed').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'webchat-photo-refused-375px.png') });
    } finally {
      await context.close();
    }
  });
});
