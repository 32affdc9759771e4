// Without an identity provider, in headless Chromium: ADMIN_TOKEN invites the first administrator, who
// opens the one-time link, chooses a password and lands signed in; invites an agent and creates then
// revokes a machine token on the "Agents et accès" screen (keyboard only, French, Europe/Paris dates, no axe
// violation at desktop and 375 px); the agent sets a password, signs in with it, and is locked out when disabled.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { Container } from '../../server/container';
import {
  ADMIN_TOKEN,
  CONTAINER_TIMEOUT_MS,
  backofficeContainer,
  bearer,
  closeServer,
  listen,
} from '../backoffice/support';
import { axeViolations, launchChromium } from '../support/browser';
import { DEMO_TENANT } from '../support/harness';

jest.setTimeout(120_000);

const SCREENSHOTS = process.env.GUICHET_SCREENSHOTS;

describe('embedded sign-in and the administrators’ screen (headless Chromium)', () => {
  let container: Container;
  let server: Awaited<ReturnType<typeof listen>>;
  let browser: Browser;

  beforeAll(async () => {
    container = await backofficeContainer();
    server = await listen(container);
    browser = await launchChromium();
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    if (server) await closeServer(server.server);
    await container?.close();
  });

  /** The invitation page of a link, in a fresh browser: both passwords typed, then submitted. */
  async function acceptInvitation(invitationUrl: string, password: string): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(
      `${server.base}/console/invitation.html${invitationUrl.slice(invitationUrl.indexOf('#'))}`,
    );
    expect(page.url()).not.toContain('#'); // the secret left the address bar
    await page.fill('#new-password', password);
    await page.fill('#confirm-password', `${password}x`);
    await page.press('#confirm-password', 'Enter');
    await page.waitForFunction(() =>
      /différents/.test(document.querySelector('#invitation-error')?.textContent ?? ''),
    );
    await page.fill('#confirm-password', password);
    await page.press('#confirm-password', 'Enter');
    await page.waitForSelector('#app:not([hidden])');
    return page;
  }

  it('takes the first administrator from ADMIN_TOKEN to inviting an agent and managing machine tokens', async () => {
    const first = await request(container.app)
      .post('/api/v1/agents')
      .set(bearer(ADMIN_TOKEN))
      .send({ tenantId: DEMO_TENANT, name: 'Claire Admin', email: 'claire@val-de-loue.fr', role: 'admin' });
    expect(first.status).toBe(201);
    const admin = await acceptInvitation(first.body.invitationUrl as string, 'Claire-console-2026');
    const errors: string[] = [];
    admin.on('pageerror', (e) => errors.push(String(e)));
    expect(await admin.textContent('#whoami')).toBe(
      'Claire Admin · Administrateur · Communauté de communes du Val de Loue',
    );

    // Keyboard only: to the tab, Enter, then the invitation form.
    await admin.focus('#tab-agents');
    await admin.keyboard.press('Enter');
    await admin.waitForSelector('#panel-agents:not([hidden])');
    await admin.focus('#invite-name');
    await admin.keyboard.type('Paul Voirie');
    await admin.keyboard.press('Tab');
    await admin.keyboard.type('paul@val-de-loue.fr');
    await admin.keyboard.press('Tab');
    await admin.keyboard.press('Tab');
    await admin.keyboard.press('Enter');
    await admin.waitForSelector('#invite-result-value');
    const link = await admin.inputValue('#invite-result-value');
    expect(link).toMatch(/\/console\/invitation\.html#[\w-]{43}$/);
    expect(await admin.textContent('#invite-result')).toMatch(
      /Lien d’invitation pour Paul Voirie.*sert une seule fois, jusqu’au \d{1,2} \S+ 20\d\d à \d\d:\d\d/,
    );
    await admin.waitForFunction(() =>
      /Paul Voirie/.test(document.querySelector('#agents-body')?.textContent ?? ''),
    );
    expect(await admin.textContent('#agents-body')).toMatch(/Paul Voirie.*Agent.*Invitation en attente/);

    // A machine token: shown once, listed without its value, then revoked.
    await admin.fill('#new-token-name', 'Open311 voirie');
    await admin.press('#new-token-name', 'Enter');
    await admin.waitForSelector('#token-result-value');
    const token = await admin.inputValue('#token-result-value');
    expect(token).toMatch(/^gch_/);
    expect((await request(container.app).get('/api/v1/me').set(bearer(token))).status).toBe(200);
    await admin.waitForFunction(() =>
      /Open311 voirie.*Actif/.test(document.querySelector('#tokens-body')?.textContent ?? ''),
    );
    expect(await admin.textContent('#tokens-body')).not.toContain(token);
    // Machines are not people: an agent-role token is listed with the tokens only.
    expect(await admin.textContent('#agents-body')).toMatch(/Paul Voirie/);
    expect(await admin.textContent('#agents-body')).not.toContain('Open311');

    for (const viewport of [
      { width: 1280, height: 900, name: 'desktop' },
      { width: 375, height: 800, name: '375' },
    ]) {
      await admin.setViewportSize(viewport);
      expect(await axeViolations(admin)).toEqual([]);
      expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
      if (SCREENSHOTS) {
        mkdirSync(SCREENSHOTS, { recursive: true });
        await admin.screenshot({
          path: path.join(SCREENSHOTS, `agents-${viewport.name}.png`),
          fullPage: true,
        });
      }
    }
    await admin.click('button[aria-label="Révoquer le jeton Open311 voirie"]');
    await admin.waitForFunction(() =>
      /Révoqué le/.test(document.querySelector('#tokens-body')?.textContent ?? ''),
    );
    expect((await request(container.app).get('/api/v1/me').set(bearer(token))).status).toBe(401);

    // The agent chooses a password from the link, then signs in with it on another device.
    const paul = await acceptInvitation(link, 'Paul-voirie-secret-1');
    expect(await paul.textContent('#whoami')).toMatch(/^Paul Voirie · Agent · /);
    expect(await paul.isHidden('#tab-agents')).toBe(true);
    const other = await (await browser.newContext({ viewport: { width: 375, height: 740 } })).newPage();
    await other.goto(`${server.base}/console`);
    await other.fill('#signin-email', 'paul@val-de-loue.fr');
    await other.fill('#signin-password', 'pas le bon');
    await other.press('#signin-password', 'Enter');
    await other.waitForFunction(() =>
      /Adresse ou mot de passe incorrect/.test(document.querySelector('#password-error')?.textContent ?? ''),
    );
    expect(await axeViolations(other)).toEqual([]);
    if (SCREENSHOTS)
      await other.screenshot({ path: path.join(SCREENSHOTS, 'password-375.png'), fullPage: true });
    await other.fill('#signin-password', 'Paul-voirie-secret-1');
    await other.press('#signin-password', 'Enter');
    await other.waitForSelector('#app:not([hidden])');

    // Disabled by the administrator: the agent's next call ends on the sign-in page.
    await admin.click('button[aria-label="Désactiver Paul Voirie"]');
    await admin.waitForFunction(() =>
      /Paul Voirie \(désactivé\)/.test(document.querySelector('#agents-body')?.textContent ?? ''),
    );
    await other.click('button[data-tab="requests"]');
    await other.waitForSelector('#login:not([hidden])');
    expect(errors).toEqual([]);
  });
});
