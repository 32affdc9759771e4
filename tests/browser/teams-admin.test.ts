// The "Équipes et routage" screen in headless Chromium: an administrator creates the Éclairage team, gives it
// Montcey and lighting reports and a member, adds routing rules and reorders them, with the keyboard only and
// everything shown by name; a supervisor reads the same screen without the controls. axe finds no violation,
// and at 375 px the page does not scroll sideways.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { Container } from '../../server/container';
import {
  ADMIN_TOKEN,
  backofficeContainer,
  bearer,
  closeServer,
  issueToken,
  listen,
  CONTAINER_TIMEOUT_MS,
} from '../backoffice/support';
import { answerFirstLate, axeViolations, consoleWithToken, launchChromium } from '../support/browser';
import { DEMO_TENANT } from '../support/harness';

jest.setTimeout(120_000);

const SHOTS = process.env.SCREENSHOT_DIR ?? '/tmp/guichet-screenshots';

describe('teams and routing screen (headless Chromium)', () => {
  let container: Container;
  let server: Awaited<ReturnType<typeof listen>>;
  let browser: Browser;
  let admin: string;
  let supervisor: string;

  beforeAll(async () => {
    container = await backofficeContainer();
    server = await listen(container);
    admin = (await issueToken(container, { role: 'admin', tenantId: DEMO_TENANT, name: 'Ana' })).token;
    supervisor = (await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT, name: 'Max' }))
      .token;
    for (const [name, email] of [
      ['Lou Martin', 'lou@val-de-loue.example'],
      ['Sam Petit', 'sam@val-de-loue.example'],
    ] as const) {
      const res = await request(container.app)
        .post('/api/v1/agents')
        .set(bearer(ADMIN_TOKEN))
        .send({ tenantId: DEMO_TENANT, name, email, role: 'agent' });
      expect(res.status).toBe(201);
    }
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    if (server) await closeServer(server.server);
    await container?.close();
  });

  async function signIn(token: string, width = 1280): Promise<Page> {
    const page = await consoleWithToken(browser, server.base, token, width);
    await page.focus('#tab-teams');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#panel-teams:not([hidden])');
    return page;
  }

  it('lets an administrator build teams and rules with the keyboard, by name', async () => {
    const page = await signIn(admin);
    await page.waitForSelector('#teams-list .hint');
    await page.focus('#team-name');
    await page.keyboard.type('Éclairage');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#teams-list article h3');
    await page.focus('#team-name');
    await page.keyboard.type('Voirie');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#teams-list article').length === 2);

    // Open Éclairage's editor and tick its scope and member with the keyboard.
    const teamCard = (name: string) =>
      page.locator('#teams-list article').filter({ has: page.getByRole('heading', { name, exact: true }) });
    const card = teamCard('Éclairage');
    await card.locator('summary').focus();
    await page.keyboard.press('Enter');
    await card.getByLabel('Autorité compétente').selectOption({ label: 'Mairie de Montcey-sur-Loue' });
    for (const label of ['Montcey-sur-Loue', 'Signalement — Éclairage public', 'Lou Martin (Agent)']) {
      await card.getByLabel(label, { exact: true }).focus();
      await page.keyboard.press('Space');
    }
    await card.getByRole('button', { name: 'Enregistrer' }).focus();
    await page.keyboard.press('Enter');
    // Saved once the card's summary (not the editor's checkbox label) names the member.
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('#teams-list article dd')).some(
        (dd) => dd.textContent === 'Lou Martin',
      ),
    );
    const eclairage = teamCard('Éclairage');
    expect(await eclairage.locator('dd').allTextContents()).toEqual([
      'Mairie de Montcey-sur-Loue',
      'Montcey-sur-Loue',
      'Signalement — Éclairage public',
      'Lou Martin',
    ]);

    // Two rules: lighting in Montcey → Éclairage, then every report → Voirie; then Voirie's moved up.
    await page.selectOption('#rule-type', 'report_incident');
    await page.selectOption('#rule-category', 'eclairage');
    await page.selectOption('#rule-commune', 'montcey-sur-loue');
    await page.selectOption('#rule-team', { label: 'Éclairage' });
    await page.focus('#rule-form button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#rules-list li button').length === 3);
    await page.selectOption('#rule-category', '');
    await page.selectOption('#rule-commune', '');
    await page.selectOption('#rule-team', { label: 'Voirie' });
    await page.focus('#rule-form button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#rules-list li').length === 2);
    const rules = () => page.locator('#rules-list li > span:first-child').allTextContents();
    expect(await rules()).toEqual([
      'Signalement · Éclairage public · Montcey-sur-Loue → Éclairage',
      'Signalement · toutes catégories · toutes communes → Voirie',
    ]);
    await page.getByRole('button', { name: /^Monter la règle Signalement · toutes catégories/ }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      /Voirie$/.test(document.querySelector('#rules-list li > span')?.textContent ?? ''),
    );
    expect((await rules())[0]).toMatch(/→ Voirie$/);

    // The agents table names each agent's teams; no internal id shows anywhere.
    const text = (await page.textContent('#panel-teams')) ?? '';
    for (const id of ['report_incident', 'montcey-sur-loue', 'eclairage', 'supervisor'])
      expect(text).not.toContain(id);
    await page.screenshot({ path: `${SHOTS}/teams-admin-1280.png`, fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    await page.focus('#tab-agents');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() =>
      /Éclairage/.test(document.querySelector('#agents-body')?.textContent ?? ''),
    );
    const lou = page.locator('#agents-body tr', { hasText: 'Lou Martin' });
    expect(await lou.locator('td').nth(2).textContent()).toBe('Éclairage');
    await page.close();
  });

  it('keeps both teams created in a row when the list reloaded after the first answers late', async () => {
    const page = await signIn(admin);
    await page.waitForSelector('#teams-list > *'); // the screen's first load drawn
    const lateAnswerDrawn = await answerFirstLate(page, (url) => url.pathname === '/api/v1/teams');
    for (const name of ['Propreté', 'Espaces verts']) {
      await page.fill('#team-name', name);
      await page.press('#team-name', 'Enter');
      // Created once the box is emptied.
      await page.waitForFunction(
        () => (document.querySelector('#team-name') as HTMLInputElement).value === '',
      );
    }
    await page.locator('#teams-list article h3', { hasText: 'Espaces verts' }).waitFor();
    await lateAnswerDrawn();
    expect(await page.locator('#teams-list article h3').allTextContents()).toEqual(
      expect.arrayContaining(['Propreté', 'Espaces verts']),
    );
    await page.close();
  });

  it('keeps both tokens created in a row when the list reloaded after the first answers late', async () => {
    const page = await signIn(admin);
    await page.focus('#tab-agents');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#agents-body tr');
    const lateAnswerDrawn = await answerFirstLate(page, (url) => url.pathname === '/api/v1/tokens');
    for (const name of ['Passerelle SIG', 'Passerelle GMAO']) {
      await page.fill('#new-token-name', name);
      await page.press('#new-token-name', 'Enter');
      await page.waitForFunction(
        (n) => (document.querySelector('#token-result')?.textContent ?? '').includes(n),
        name,
      );
    }
    await page.waitForFunction(() =>
      /Passerelle GMAO/.test(document.querySelector('#tokens-body')?.textContent ?? ''),
    );
    await lateAnswerDrawn();
    const tokens = (await page.textContent('#tokens-body')) ?? '';
    expect(tokens).toContain('Passerelle SIG');
    expect(tokens).toContain('Passerelle GMAO');
    await page.close();
  });

  it('shows a supervisor the same organisation without the controls, usable at 375 px', async () => {
    const page = await signIn(supervisor, 375);
    await page.waitForSelector('#teams-list article');
    expect(await page.isHidden('#team-form')).toBe(true);
    expect(await page.isHidden('#rule-form')).toBe(true);
    expect(await page.locator('#panel-teams button:visible').count()).toBe(0);
    expect(await page.locator('#rules-list li').count()).toBe(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: `${SHOTS}/teams-supervisor-375.png`, fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
    const narrowAdmin = await signIn(admin, 375);
    await narrowAdmin.waitForSelector('#teams-list article');
    await narrowAdmin.locator('#teams-list summary').first().click();
    await narrowAdmin.screenshot({ path: `${SHOTS}/teams-admin-375.png`, fullPage: true });
    const wide = await narrowAdmin.evaluate(() =>
      Array.from(document.querySelectorAll('body *'))
        .filter((e) => e.getBoundingClientRect().right > 376)
        .slice(0, 8)
        .map((e) => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
    );
    expect(wide).toEqual([]);
    expect(await narrowAdmin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await narrowAdmin.close();
  });
});
