// Agents sign in with their collectivity's identity provider: a real OpenID Connect provider on loopback
// (oidc-provider, its own login and consent pages), the built server as `npm start` runs it, and headless
// Chromium through the whole redirect flow. Also: the session cookie is httpOnly/SameSite=Lax and unseen by
// scripts, state changes need the CSRF token and the same origin, a person without a mapped group is
// refused in French, sign-out and "sign out everywhere" end sessions, and axe finds no violation.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { spawnServer, type ServerProcess } from '../reliability/helpers';
import { axeViolations, launchChromium } from '../support/browser';
import { startOidcProvider } from '../support/oidc';
import { freePort } from '../support/servers';

jest.setTimeout(180_000);

/** GUICHET_SCREENSHOTS=dir keeps screenshots of the sign-in pages (desktop and 375 px) for a human look. */
const SCREENSHOTS = process.env.GUICHET_SCREENSHOTS;

describe('agents sign in with an OpenID Connect provider (headless Chromium, built server)', () => {
  let provider: ChildProcess;
  let server: ServerProcess;
  let browser: Browser;
  let issuer: string;

  beforeAll(async () => {
    const [providerPort, port] = [await freePort(), await freePort()];
    issuer = `http://127.0.0.1:${providerPort}`;
    const base = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider(providerPort, `${base}/auth/oidc/callback`);
    server = await spawnServer(
      {
        DATABASE_URL: 'memory://',
        PUBLIC_URL: base,
        ADMIN_TOKEN: 'signin-test-admin-token-0123456789',
        WEBCHAT_SECRET: 'signin-test-secret',
        RATE_LIMITS_ENABLED: 'false',
        RETENTION_INTERVAL_MINUTES: '0',
        GEOCODING_RETRY_MINUTES: '0',
        OIDC_ISSUER: issuer,
        OIDC_CLIENT_ID: 'guichet',
        OIDC_CLIENT_SECRET: 'guichet-test-secret-0123456789',
        OIDC_SCOPES: 'openid profile email guichet',
        OIDC_PROVIDER_NAME: 'Keycloak du Val de Loue',
        OIDC_ROLE_CLAIM: 'groups',
        OIDC_ROLE_MAP: 'guichet-agents=agent,guichet-chefs=supervisor',
        OIDC_TENANT_CLAIM: 'tenant',
      },
      port,
    );
    browser = await launchChromium();
  }, 170_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    if (server) await server.exited;
    provider?.kill('SIGTERM');
  });

  /** /console → the provider's login page → its consent page → back in the console, signed in. */
  async function signIn(context: BrowserContext, login: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/console`);
    const link = page.getByRole('link', { name: 'Se connecter avec Keycloak du Val de Loue' });
    await link.click();
    await page.waitForURL((url) => url.href.startsWith(issuer));
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', 'mot-de-passe');
    await page.click('button[type=submit]');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${server.baseUrl}/console`));
    return page;
  }

  it('an agent goes through the provider and comes back signed in, named; the cookie is out of scripts’ reach', async () => {
    const context = await browser.newContext();
    const errors: string[] = [];
    const page = await signIn(context, 'marie');
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.waitForSelector('#app:not([hidden])');
    expect(await page.textContent('#whoami')).toBe(
      'Marie Lambert · Agent · Communauté de communes du Val de Loue',
    );
    await page.waitForFunction(() => document.querySelector('#live-status')?.textContent === 'En direct');

    const cookies = await context.cookies(server.baseUrl);
    const session = cookies.find((c) => c.name === 'guichet_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    // Neither the page's scripts nor its storage hold a credential.
    expect(await page.evaluate(() => [document.cookie, sessionStorage.length, localStorage.length])).toEqual([
      '',
      0,
      0,
    ]);

    // A state change with the cookie but without the CSRF token is refused; with it, it reaches the route.
    const statuses = await page.evaluate(async () => {
      const url = '/api/v1/conversations/00000000-0000-4000-8000-000000000000/takeover';
      const bare = await fetch(url, { method: 'POST' });
      const csrf = (window as unknown as { GuichetSignin: { csrf: string } }).GuichetSignin.csrf;
      const withToken = await fetch(url, { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
      return [bare.status, withToken.status];
    });
    expect(statuses).toEqual([403, 404]);
    // …and from another origin, even with the token.
    const csrf = await page.evaluate(
      () => (window as unknown as { GuichetSignin: { csrf: string } }).GuichetSignin.csrf,
    );
    const foreign = await fetch(
      `${server.baseUrl}/api/v1/conversations/00000000-0000-4000-8000-000000000000/takeover`,
      {
        method: 'POST',
        headers: {
          Cookie: `guichet_session=${session?.value}`,
          'X-CSRF-Token': csrf,
          Origin: 'https://elsewhere.example',
        },
      },
    );
    expect(foreign.status).toBe(403);

    // A reload keeps the session; signing out ends it on the server too.
    await page.reload();
    await page.waitForSelector('#app:not([hidden])');
    expect(await page.textContent('#whoami')).toMatch(/^Marie Lambert/);
    if (SCREENSHOTS) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOTS, 'signed-in-desktop.png'), fullPage: true });
    }
    // The sign-in form shows at once, while the sign-out request is still on its way: wait for the server's answer.
    const signedOut = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/session/sign-out');
    await page.click('#logout');
    await page.waitForSelector('#login:not([hidden])');
    await signedOut;
    const me = await fetch(`${server.baseUrl}/api/v1/me`, {
      headers: { Cookie: `guichet_session=${session?.value}` },
    });
    expect(me.status).toBe(401);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the sign-in page in French, usable at 375 px, with no axe violation', async () => {
    for (const viewport of [
      { width: 1280, height: 800, name: 'desktop' },
      { width: 375, height: 740, name: '375' },
    ]) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/console`);
      await page.waitForSelector('#oidc-signin:not([hidden])');
      // Keyboard only: the skip link, then the provider's button, reached and followed with Tab and Enter.
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('oidc-link');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
      expect(await axeViolations(page)).toEqual([]);
      if (SCREENSHOTS)
        await page.screenshot({
          path: path.join(SCREENSHOTS, `signin-${viewport.name}.png`),
          fullPage: true,
        });
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.href.startsWith(issuer));
      await context.close();
    }
  });

  it('refuses, in French, a person whose groups give no role', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, 'intrus');
    await page.waitForFunction(() =>
      /n’a pas accès à cette console/.test(document.querySelector('#signin-message')?.textContent ?? ''),
    );
    expect(await page.isHidden('#app')).toBe(true);
    expect(new URL(page.url()).search).toBe('');
    expect((await context.cookies(server.baseUrl)).some((c) => c.name === 'guichet_session')).toBe(false);
    await context.close();
  });

  it('"sign out everywhere" ends the supervisor’s sessions on every device', async () => {
    const office = await browser.newContext();
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const onOffice = await signIn(office, 'chef');
    const onPhone = await signIn(phone, 'chef');
    for (const page of [onOffice, onPhone]) {
      await page.waitForSelector('#app:not([hidden])');
      expect(await page.textContent('#whoami')).toMatch(/^Jean Morel · Responsable · /);
    }
    expect(await axeViolations(onPhone)).toEqual([]);
    if (SCREENSHOTS)
      await onPhone.screenshot({ path: path.join(SCREENSHOTS, 'signed-in-375.png'), fullPage: true });
    await onOffice.click('#logout-everywhere');
    await onOffice.waitForFunction(() =>
      /déconnecté sur tous vos appareils/.test(document.querySelector('#signin-message')?.textContent ?? ''),
    );
    const phoneStatus = await onPhone.evaluate(async () => (await fetch('/api/v1/me')).status);
    expect(phoneStatus).toBe(401);
    await office.close();
    await phone.close();
  });
});
