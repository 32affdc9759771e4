// An agent's day, end to end, as issue 17 asks it in one go, on the built server that `npm start` runs:
// a citizen reports a broken street lamp in the commune's web chat and asks to be called back (agents are
// out of hours); an agent signs in through the collectivity's OpenID Connect provider (a real `oidc-provider`
// on loopback), finds the report in the requests list, opens it, assigns it to the lighting team and to
// herself, writes an internal note, answers with a saved reply — which appears in the citizen's web chat —
// and marks the callback done. Every page the agent sees passes axe-core; the list and the request page are
// also looked at on a 375 px phone (screenshots in SCREENSHOT_DIR).
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { spawnServer, type ServerProcess } from '../reliability/helpers';
import { axeViolations, launchChromium, SCREENSHOTS } from '../support/browser';
import { startOidcProvider } from '../support/oidc';
import { freePort } from '../support/servers';

jest.setTimeout(240_000);

const ADMIN = 'agent-day-admin-token-0123456789';
const TENANT = 'val-de-loue';

/** The demo territory with its agents always away, so the bot offers a callback whatever the hour. */
function territoryWithAgentsAway(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'guichet-agent-day-'));
  cpSync(path.join(__dirname, '../../knowledge/territories'), dir, { recursive: true });
  const file = path.join(dir, TENANT, 'territory.json');
  const territory = JSON.parse(readFileSync(file, 'utf8')) as { agents: { openingHours: string } };
  territory.agents.openingHours = 'off';
  writeFileSync(file, JSON.stringify(territory, null, 2));
  return dir;
}

describe('an agent’s day: OIDC sign-in, list, request, assignment, note, saved reply, callback', () => {
  let provider: ChildProcess;
  let server: ServerProcess;
  let browser: Browser;
  let issuer: string;
  let territories: string;
  let reference = '';
  let citizen: Page;
  let agentContext: BrowserContext;
  const errors: string[] = [];

  const admin = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${server.baseUrl}/api/v1${url}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };

  beforeAll(async () => {
    const [providerPort, port, closed] = [await freePort(), await freePort(), await freePort()];
    issuer = `http://127.0.0.1:${providerPort}`;
    const base = `http://127.0.0.1:${port}`;
    territories = territoryWithAgentsAway();
    provider = await startOidcProvider(providerPort, `${base}/auth/oidc/callback`);
    server = await spawnServer(
      {
        DATABASE_URL: 'memory://',
        PUBLIC_URL: base,
        TERRITORY_DIR: territories,
        ADMIN_TOKEN: ADMIN,
        WEBCHAT_SECRET: 'agent-day-secret',
        RATE_LIMITS_ENABLED: 'false',
        RETENTION_INTERVAL_MINUTES: '0',
        GEOCODING_RETRY_MINUTES: '0',
        // The national address API is unreachable here: the bot asks for the commune instead.
        GEOCODER_URL: `http://127.0.0.1:${closed}`,
        OUTBOX_POLL_MS: '100',
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
  }, 230_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    if (server) await server.exited;
    provider?.kill('SIGTERM');
    if (territories) rmSync(territories, { recursive: true, force: true });
  });

  const say = async (text: string) => {
    await citizen.locator('#guichet-input').fill(text);
    await citizen.keyboard.press('Enter');
  };
  const botSays = async (pattern: RegExp) => {
    try {
      await citizen.locator('.guichet-log .guichet-msg--bot', { hasText: pattern }).last().waitFor();
    } catch (error) {
      const said = await citizen.locator('.guichet-log li').allTextContents();
      throw new Error(`${String(error)}\nThe web chat shows:\n${said.join('\n')}`);
    }
  };
  const choose = async (label: RegExp) => {
    const button = citizen.locator('.guichet-choice:not([disabled])', { hasText: label }).last();
    await button.waitFor();
    await button.click();
  };

  it('the citizen reports a broken street lamp in the web chat and asks to be called back', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'fr-FR' });
    citizen = await context.newPage();
    await citizen.goto(`${server.baseUrl}/`);
    await citizen.locator('.guichet-launcher').click();
    await say('Le lampadaire est en panne au 9 rue des Lilas');
    await choose(/Montcey-sur-Loue/);
    await botSays(/Décrivez le problème/);
    await say('Il ne s’allume plus depuis lundi, la rue est noire le soir');
    await botSays(/photo/i);
    await say('non');
    await botSays(/informé du traitement/);
    await say('non');
    await choose(/Oui, enregistrer/);
    await botSays(/référence DEM-\d{4}-[0-9A-Z]{6}/);
    const confirmation = await citizen.locator('.guichet-log .guichet-msg--bot').allTextContents();
    reference = /DEM-\d{4}-[0-9A-Z]{6}/.exec(confirmation.join(' '))?.[0] ?? '';
    expect(reference).not.toBe('');

    await say('je veux parler à un agent');
    await choose(/rappelé/);
    await botSays(/numéro de téléphone/);
    await say('06 12 34 56 78');
    // A hand-over notice (not a bot answer) in the log, with the number as people write it.
    await citizen
      .locator('.guichet-log li', {
        hasText: /un agent vous rappellera \(06 12 34 56 78\) dès que possible\./,
      })
      .waitFor();
  });

  it('the agent signs in with the provider, opens the report from the list and works it to the end', async () => {
    agentContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    const page = await agentContext.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.baseUrl}/console`);
    await page.getByRole('link', { name: 'Se connecter avec Keycloak du Val de Loue' }).click();
    await page.waitForURL((url) => url.href.startsWith(issuer));
    await page.fill('input[name=login]', 'marie');
    await page.fill('input[name=password]', 'mot-de-passe');
    await page.click('button[type=submit]');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${server.baseUrl}/console`));
    await page.waitForSelector('#app:not([hidden])');
    expect(await page.textContent('#whoami')).toMatch(/^Marie Lambert · Agent/);

    // The administrator has set up the lighting team (with Marie, now that she has signed in once) and a
    // saved reply.
    const agents = (await admin('GET', `/agents?tenant=${TENANT}`)).items as { id: string; name: string }[];
    const marie = agents.find((a) => a.name === 'Marie Lambert');
    expect(marie).toBeDefined();
    await admin('POST', '/teams', { tenantId: TENANT, name: 'Éclairage public', memberIds: [marie?.id] });
    await admin('POST', `/saved-replies?tenant=${TENANT}`, {
      title: 'Intervention planifiée',
      body: 'Votre demande {reference} à {commune} est prise en charge : l’équipe passe cette semaine.',
    });

    // The requests list: the report is there with French labels; its reference opens it.
    await page.click('.tab[data-tab="requests"]');
    const row = page.locator('#requests-body tr', { hasText: reference });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Signalement · Éclairage public/);
    expect(await row.textContent()).toContain('Montcey-sur-Loue');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/agent-day-list-1280.png`, fullPage: true });
    await row.getByRole('link', { name: reference }).click();
    await page.waitForSelector('#request:not([hidden])');
    await page.waitForSelector('#timeline li');
    expect(await page.textContent('h1')).toBe(`Demande ${reference}`);
    expect(await page.textContent('#address')).toContain('9 rue des Lilas');

    // Assign to the team and to herself.
    await page.selectOption('#assign-team', { label: 'Éclairage public' });
    await page.selectOption('#assign-agent', { label: 'Marie Lambert' });
    await page.click('#assign-form button[type=submit]');
    await page.waitForFunction(() =>
      /Attribuée à Éclairage public — Marie Lambert/.test(
        document.querySelector('#timeline')?.textContent ?? '',
      ),
    );

    // An internal note, then the saved reply.
    await page.fill('#note-text', 'Prestataire éclairage prévenu, passage jeudi');
    await page.click('#note-form button[type=submit]');
    await page.waitForFunction(() =>
      /Note interne/.test(document.querySelector('#timeline')?.textContent ?? ''),
    );
    await page.selectOption('#saved-reply', { label: 'Intervention planifiée' });
    await page.click('#reply-form button[type=submit]');
    await page.waitForFunction(
      () => /Remis/.test(document.querySelector('#timeline')?.textContent ?? ''),
      undefined,
      { timeout: 30_000 },
    );
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/agent-day-request-1280.png`, fullPage: true });

    // The citizen sees the answer in the web chat they used; never the internal note.
    const answer = `Votre demande ${reference} à Montcey-sur-Loue est prise en charge`;
    await citizen
      .locator('.guichet-log .guichet-msg--agent, .guichet-log .guichet-msg--bot', { hasText: answer })
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await citizen.locator('.guichet-log').textContent()).not.toContain('Prestataire');

    // The promised callback: the number, the question; "Rappel fait" closes it.
    await page.goto(`${server.baseUrl}/console`);
    await page.waitForSelector('#app:not([hidden])');
    await page.click('.tab[data-tab="callbacks"]');
    const card = page.locator('#callbacks-list .callback').first();
    await card.waitFor();
    expect(await card.locator('a[href="tel:+33612345678"]').textContent()).toBe('06 12 34 56 78');
    expect(await axeViolations(page)).toEqual([]);
    await card.getByRole('button', { name: 'Rappel fait' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#callbacks-list .callback').length === 0);
    await page.selectOption('#callbacks-filter', 'done');
    await page.waitForSelector('#callbacks-list .callback');
    expect(await page.textContent('#callbacks-list')).toMatch(/Rappel fait/);
    expect(errors).toEqual([]);
  });

  it('the list and the request fit a 375 px phone, without sideways scrolling or axe violations', async () => {
    const page = await agentContext.newPage();
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${server.baseUrl}/console`);
    await page.waitForSelector('#app:not([hidden])');
    await page.click('.tab[data-tab="requests"]');
    await page.locator('#requests-body tr', { hasText: reference }).waitFor();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/agent-day-list-375.png`, fullPage: true });
    await page.goto(`${server.baseUrl}/console/demande.html?ref=${reference}`);
    await page.waitForSelector('#timeline li');
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/agent-day-request-375.png`, fullPage: true });
    await page.close();
  });
});
