// The citizen's photo on a request's page, in Debian's Chromium: the agent sees it (loaded through the
// authenticated API), reads that it is not published, publishes it with the keyboard, and only then can anyone
// load it from its public address. axe-core finds nothing; 375 px screenshot kept for a human look.
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { Container } from '../../server/container';
import {
  backofficeContainer,
  closeServer,
  CONTAINER_TIMEOUT_MS,
  issueToken,
  listen,
  seedReportInVerniere,
} from '../backoffice/support';
import { axeViolations, launchChromium, SCREENSHOTS } from '../support/browser';
import { DEMO_TENANT } from '../support/harness';
import { jpegWithGps } from '../support/photos';

jest.setTimeout(120_000);

describe('a citizen’s photo on the request page (headless Chromium)', () => {
  let container: Container;
  let server: Awaited<ReturnType<typeof listen>>;
  let browser: Browser;
  let agent: string;
  let reference: string;
  let key: string;

  beforeAll(async () => {
    container = await backofficeContainer();
    server = await listen(container);
    agent = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Camille Martin' }))
      .token;
    const saved = await container.media.accept(DEMO_TENANT, await jpegWithGps());
    key = saved.key;
    const seeded = await seedReportInVerniere(container, {
      category: 'voirie',
      description: 'Un trou dans la chaussée',
      extra: { photo: { url: saved.url } },
    });
    reference = seeded.references[0]!;
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
    return page;
  }

  it('shows the photo to the agent, private until published with the keyboard', async () => {
    const page = await signedInPage(375);
    const img = page.locator('#photo img');
    await img.waitFor();
    expect(await img.getAttribute('alt')).toBe('Photo envoyée par le demandeur');
    await page.waitForFunction(() => {
      const shown = document.querySelector<HTMLImageElement>('#photo img');
      return Boolean(shown && shown.complete && shown.naturalWidth > 0);
    });
    expect(await page.textContent('#photo')).toContain('Photo non publiée : visible des agents seulement.');
    await request(server.base).get(`/open311/v2/media/${key}`).expect(404);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Publier la photo' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Photo publiée : visible de tous (Open311).').waitFor();
    await request(server.base).get(`/open311/v2/media/${key}`).expect(200);
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('#photo').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/request-photo-375.png` });

    await page.getByRole('button', { name: 'Retirer la publication' }).click();
    await page.getByText('Photo non publiée : visible des agents seulement.').waitFor();
    await request(server.base).get(`/open311/v2/media/${key}`).expect(404);
    await page.close();
  });
});
