// The web chat's greeting and location picker in Debian's Chromium, against the real app: the panel opens with
// a greeting and the services as buttons, the privacy and accessibility links; reporting a problem, the citizen
// shares the (emulated) position only after clicking, sees the pin on a small map with the address the national
// address API (nock) gives, moves it with the arrow keys and confirms; the report names that address. Map tiles
// never load (no internet): the picker works without them. axe-core finds nothing; screenshots at 1280 and 375 px.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import nock from 'nock';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Container } from '../../server/container';
import { axeViolations, launchChromium, SCREENSHOTS } from '../support/browser';
import { createTestContainer } from '../support/harness';

jest.setTimeout(120_000);

const BAN = 'https://api-adresse.data.gouv.fr';
const HERE = { latitude: 47.10215, longitude: 6.05102 };
const LILAS = '12 Rue des Lilas 25971 Montcey-sur-Loue';
const NEXT_DOOR = '14 Rue des Lilas 25971 Montcey-sur-Loue';

/** The address API: 12 rue des Lilas at the emulated position, number 14 anywhere else (the pin moved). */
function addressApi(): nock.Scope {
  return nock(BAN)
    .persist()
    .get('/reverse/')
    .query(true)
    .reply((uri) => {
      const query = new URL(uri, BAN).searchParams;
      const atStart =
        query.get('lat') === String(HERE.latitude) && query.get('lon') === String(HERE.longitude);
      const label = atStart ? LILAS : NEXT_DOOR;
      return [
        200,
        {
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              geometry: { type: 'Point', coordinates: [HERE.longitude, HERE.latitude] },
              properties: { label, score: 0.99, citycode: '25971', postcode: '25971' },
            },
          ],
        },
      ];
    });
}

describe('web chat greeting and location picker (headless Chromium)', () => {
  let container: Container;
  let server: Server;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    container = await createTestContainer();
    server = await new Promise<Server>((resolve) => {
      const s = container.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    addressApi();
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      permissions: ['geolocation'],
      geolocation: HERE,
    });
    // No internet: tiles fail at once rather than waiting for a DNS timeout.
    await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    page = await context.newPage();
    await page.goto(`${base}/`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await container?.close();
    nock.cleanAll();
  }, 120_000);

  const greeting = () => page.locator('.guichet-msg--greeting');
  const place = () => page.locator('.guichet-place');

  it('greets with the services as buttons, and links the privacy notice in the citizen’s language', async () => {
    await page.locator('.guichet-launcher').focus();
    await page.keyboard.press('Enter');
    await greeting().waitFor();
    // Typeset French: a narrow no-break space before "!", a no-break space before ":".
    await expect(greeting().locator('.guichet-text').textContent()).resolves.toBe(
      'Bonjour\u202f! Je suis l’assistant de la Communauté de communes du Val de Loue. Je peux vous aider pour\u00a0:',
    );
    const services = await greeting().locator('.guichet-choice').allTextContents();
    expect(services).toContain('Signaler un problème sur la voie publique');
    expect(services).toContain('Connaître des horaires d’ouverture');
    // Not a message someone wrote at a given time.
    expect(await greeting().locator('time').count()).toBe(0);
    const privacy = page.locator('.guichet-links a', { hasText: 'Notice complète sur vos données' });
    expect(await privacy.getAttribute('href')).toBe(`${base}/privacy?tenant=val-de-loue`);
    // Nothing asked for the position yet, nothing stored on the server.
    expect(await context.pages()[0]!.evaluate(() => sessionStorage.getItem('guichet-webchat:demo'))).toMatch(
      /"conversationId":null/,
    );

    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'webchat-greeting-1280.png') });

    // The accessibility statement, served with the demo site.
    const statement = page.locator('.guichet-links a', { hasText: 'Accessibilité' });
    expect(await statement.getAttribute('href')).toBe(`${base}/accessibilite`);
    const statementPage = await context.newPage();
    await statementPage.goto(`${base}/accessibilite`);
    await statementPage.locator('h1', { hasText: 'Déclaration d’accessibilité' }).waitFor();
    expect(await axeViolations(statementPage)).toEqual([]);
    await statementPage.setViewportSize({ width: 375, height: 800 });
    await statementPage.screenshot({
      path: path.join(SCREENSHOTS, 'accessibility-statement-375.png'),
      fullPage: true,
    });
    await statementPage.close();

    // In English, the greeting and the links follow: the notice page itself is in English.
    await page.locator('.guichet-lang').click();
    await greeting().locator('.guichet-text', { hasText: 'Hello! I am the assistant of' }).waitFor();
    const english = page.locator('.guichet-links a', { hasText: 'Full privacy notice' });
    await english.waitFor();
    expect(await english.getAttribute('href')).toBe(`${base}/privacy?tenant=val-de-loue&lang=en`);
    await page.locator('.guichet-lang').click();
    await greeting().locator('.guichet-text', { hasText: 'Bonjour' }).waitFor();
  });

  it('asks consent before locating, shows the pin with its address, moves it with the keyboard, sends it', async () => {
    await greeting()
      .locator('.guichet-choice', { hasText: 'Signaler un problème sur la voie publique' })
      .press('Enter');
    await page
      .locator('.guichet-choice', { hasText: /^Propreté/ })
      .last()
      .press('Enter');
    const ask = page.locator('.guichet-msg--bot', { hasText: 'Où se situe le problème' }).last();
    await ask.waitFor();
    // The first answer repeats the data notice: the panel shows it above already, not twice.
    expect(await page.locator('.guichet-log', { hasText: 'dpo@val-de-loue.example' }).count()).toBe(0);
    await ask.locator('.guichet-consent', { hasText: 'qu’après votre validation' }).waitFor();
    // The browser's position is read only now, after the click.
    await ask.locator('.guichet-locate', { hasText: 'Utiliser ma position' }).press('Enter');

    const map = page.locator('.guichet-map');
    await map.waitFor();
    await place()
      .filter({ hasText: `${LILAS} (47.10215, 6.05102). C’est bien ça\u202f?` })
      .waitFor();
    // The map is there (Leaflet, served by the app) even though no tile could load.
    await page.locator('.guichet-map.leaflet-container .guichet-pin').waitFor();
    expect(await page.evaluate(() => document.activeElement?.className ?? '')).toContain('guichet-map');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'webchat-map-1280.png') });

    // Arrow keys move the pin (about 10 m a step) and the address is looked up again.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowRight');
    await place().filter({ hasText: NEXT_DOOR }).waitFor();
    const moved = (await place().textContent())!.match(/\((-?[\d.]+), (-?[\d.]+)\)/);
    expect(Number(moved![1])).toBeGreaterThan(HERE.latitude);
    expect(Number(moved![2])).toBeGreaterThan(HERE.longitude);

    const sent = page.waitForRequest(
      (r) => r.url().includes('/channels/webchat/messages') && r.method() === 'POST',
    );
    await page.locator('.guichet-confirm-place').press('Enter');
    const body = (await sent).postDataJSON() as { text: string; location: { lat: number; lon: number } };
    expect(body.text).toBe(NEXT_DOOR);
    expect(body.location.lat).toBeCloseTo(Number(moved![1]), 5);
    expect(body.location.lon).toBeCloseTo(Number(moved![2]), 5);
    // The assistant reads the place back, named by the address API.
    await page.locator('.guichet-msg--bot', { hasText: `C’est noté\u00a0: ${NEXT_DOOR}` }).waitFor();
    expect(await map.count()).toBe(0);
    expect(await page.locator('.guichet-msg--user time').last().getAttribute('datetime')).toMatch(
      /^\d{4}-\d\d-\d\dT/,
    );
  });

  it('"Nouvelle conversation" closes the old conversation and starts afresh with the greeting', async () => {
    const before = await page.evaluate(() => sessionStorage.getItem('guichet-webchat:demo'));
    const ended = page.waitForResponse((r) => /\/conversations\/wc_[^/]+\/end/.test(r.url()));
    await page.locator('.guichet-restart').press('Enter');
    // The server is told: the old conversation is closed (out of the agents' queue).
    expect((await ended).status()).toBe(204);
    await greeting().waitFor();
    await expect(page.locator('.guichet-log > li').count()).resolves.toBe(1);
    const after = await page.evaluate(() => sessionStorage.getItem('guichet-webchat:demo'));
    expect(before).toMatch(/"conversationId":"wc_/);
    expect(after).toMatch(/"conversationId":null/);
  });

  it('places a pin on the map without sharing the position, at 375 px, with nothing scrolling sideways', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await greeting()
      .locator('.guichet-choice', { hasText: 'Signaler un problème sur la voie publique' })
      .press('Enter');
    await page
      .locator('.guichet-choice', { hasText: /^Propreté/ })
      .last()
      .press('Enter');
    await page.locator('.guichet-locate', { hasText: 'Placer sur une carte' }).last().press('Enter');
    // It opens on the territory's centre, and names what is there.
    await place().filter({ hasText: '(47.10210, 6.05120)' }).waitFor();
    await page.locator('.guichet-map .guichet-pin').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'webchat-map-375.png') });
    await page.locator('.guichet-picker .guichet-choice', { hasText: 'Annuler' }).press('Enter');
    expect(await page.locator('.guichet-map').count()).toBe(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
