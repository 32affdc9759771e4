// The web chat widget in a real browser (Debian's headless Chromium driven by playwright-core), against the
// real app on an ephemeral port: keyboard-only use, choices, reload with history, text never run as HTML,
// pushes over the WebSocket, 320 px width and strong zoom, language toggle, and axe-core (RGAA / WCAG AA).
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { publishToConversation } from '../../channels/webchat';
import type { Container } from '../../server/container';
import { createTestContainer, DEMO_TENANT } from '../support/harness';

// Building or closing a container (PGlite) is slow on a loaded machine (the whole suite in parallel).
const HOOK_TIMEOUT_MS = 120_000;

const CHROMIUM = '/usr/bin/chromium';
const SUITE = 'web chat widget in Chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.GUICHET_SKIP_REPORT)
  appendFileSync(process.env.GUICHET_SKIP_REPORT, `chromium\t${SUITE}\n`);
// CI installs Debian's chromium; with REQUIRE_SERVICES=1 a missing browser fails instead of skipping.
const describeBrowser = available || process.env.REQUIRE_SERVICES === '1' ? describe : describe.skip;

jest.setTimeout(60_000);

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

describeBrowser(SUITE, () => {
  let container: Container;
  let server: Server;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Widget sockets seen by the server, and a switch to refuse new ones (a network outage). */
  const upgrades: Duplex[] = [];
  let refuseUpgrades = false;
  let refused = 0;

  beforeAll(async () => {
    container = await createTestContainer();
    server = await new Promise<Server>((resolve) => {
      const s = container.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.prependListener('upgrade', (_req: IncomingMessage, socket: Duplex) => {
      if (refuseUpgrades) {
        refused += 1;
        socket.destroy();
      } else upgrades.push(socket);
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
    page = await context.newPage();
    await page.goto(`${base}/`);
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await container?.close();
  }, HOOK_TIMEOUT_MS);

  const panel = () => page.locator('#guichet-panel');
  const log = () => page.locator('.guichet-log');
  const botMessages = () => page.locator('.guichet-log .guichet-msg--bot, .guichet-log .guichet-msg--agent');
  const activeId = () =>
    page.evaluate(
      () =>
        (document.activeElement as HTMLElement | null)?.id ||
        (document.activeElement as HTMLElement | null)?.className ||
        '',
    );
  /** A message as a screen reader reads it: who said it, the text, then when ("à 14:05", Paris time). */
  const said = (text: string) =>
    new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} à \\d{2}:\\d{2}$`);
  const conversationId = () =>
    page.evaluate(
      () =>
        (JSON.parse(sessionStorage.getItem('guichet-webchat:demo') ?? '{}') as { conversationId?: string })
          .conversationId,
    );

  it('stores nothing and sets no cookie before the chat is opened', async () => {
    await page.locator('.guichet-launcher').waitFor();
    expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);
    expect(await context.cookies()).toEqual([]);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/Montcey-sur-Loue/);
  });

  it('is usable with the keyboard only: Tab to the button, Enter, type the déchetterie question, Enter', async () => {
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await page.keyboard.press('Tab');
      found = (await activeId()).includes('guichet-launcher');
    }
    expect(found).toBe(true);
    expect(await page.locator('.guichet-launcher').getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('Enter');
    await expect(panel().isVisible()).resolves.toBe(true);
    expect(await activeId()).toBe('guichet-input');
    // The territory's data notice is there before the first message.
    const notice = container.territories.current().get(DEMO_TENANT)!.notice.shortText;
    await page.locator('.guichet-notice', { hasText: notice.replace(' :', '\u00a0:') }).waitFor();

    // Hold the answer until the typing indicator has been seen.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/channels/webchat/messages**', async (route) => {
      await gate;
      await route.continue();
    });
    await page.keyboard.type('Quels sont les horaires de la déchetterie ?');
    await page.keyboard.press('Enter');
    await page.locator('.guichet-typing', { hasText: 'L’assistant écrit…' }).waitFor();
    release();
    await page
      .locator('.guichet-log .guichet-msg--bot', {
        hasText: /Déchetterie intercommunale des Prés-Bas|déchetterie/i,
      })
      .first()
      .waitFor();
    await page.unroute('**/channels/webchat/messages**');
    expect(await page.locator('.guichet-typing').textContent()).toBe('');

    const user = page.locator('.guichet-log .guichet-msg--user').last();
    expect(await user.textContent()).toMatch(
      said('Vous avez dit : Quels sont les horaires de la déchetterie ?'),
    );
    expect(await botMessages().last().textContent()).toMatch(/^Assistant dit : /);
    expect(await log().textContent()).toMatch(/\d{1,2} h/);
    // The notice is not repeated in the conversation: the panel shows it above.
    // (Compared without the typographic no-break spaces the replies get.)
    expect((await log().textContent())!.replace(/[\u00a0\u202f]/g, ' ')).not.toContain(notice);
    expect(await conversationId()).toMatch(/^wc_/);
    expect(await activeId()).toBe('guichet-input');

    // Escape closes the panel and gives the focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await expect(panel().isVisible()).resolves.toBe(false);
    expect(await activeId()).toContain('guichet-launcher');
  });

  it('offers choices as buttons; clicking one sends its value and its label', async () => {
    await page.keyboard.press('Enter'); // the launcher still has the focus
    await page.locator('#guichet-input').fill('horaires');
    await page.locator('.guichet-send').click();
    const pool = page.locator('.guichet-choice', { hasText: 'Piscine intercommunale Les Tilleuls' }).last();
    await pool.waitFor();
    const sent = page.waitForRequest(
      (r) => r.url().includes('/channels/webchat/messages') && r.method() === 'POST',
    );
    await pool.click();
    const body = (await sent).postDataJSON() as {
      text: string;
      choiceValue?: string;
      conversationId?: string;
    };
    expect(body).toMatchObject({
      text: 'Piscine intercommunale Les Tilleuls',
      choiceValue: expect.stringMatching(/piscine/),
    });
    expect(body.conversationId).toBe(await conversationId());
    await page
      .locator('.guichet-log .guichet-msg--bot', { hasText: /piscine est (ouverte|fermée)/i })
      .waitFor();
    expect(await page.locator('.guichet-log .guichet-msg--user').last().textContent()).toMatch(
      said('Vous avez dit : Piscine intercommunale Les Tilleuls'),
    );
    // Older choices no longer apply.
    expect(await pool.isDisabled()).toBe(true);
  });

  it('restores the conversation after a reload (history), without a second conversation', async () => {
    // Shown live, a message has the browser's time; read back, the server's: the same minute but for a tick.
    const withoutTimes = (rows: string[]) => rows.map((r) => r.replace(/ à \d{2}:\d{2}$/, ''));
    const before = withoutTimes(await log().locator('li').allTextContents());
    const id = await conversationId();
    await page.reload();
    await panel().waitFor({ state: 'visible' }); // it was open: it opens again
    await page.waitForFunction(
      (n) => document.querySelectorAll('.guichet-log li').length >= n,
      before.length,
    );
    expect(withoutTimes(await log().locator('li').allTextContents())).toEqual(before);
    expect(await conversationId()).toBe(id);
  });

  it('shows HTML and scripts as text, typed by the citizen or pushed by the server over the WebSocket', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>gras</b>';
    await page.locator('#guichet-input').fill(hostile);
    await page.keyboard.press('Enter');
    const mine = page.locator('.guichet-log .guichet-msg--user').last();
    await mine.waitFor();
    expect(await mine.textContent()).toMatch(said(`Vous avez dit : ${hostile}`));

    // Pushed by another part of the system (an agent, the back office) to this open widget.
    const id = (await conversationId())!;
    await publishToConversation(container.bus, DEMO_TENANT, id, [
      {
        type: 'handover',
        state: 'agent_message',
        text: '<b>Claire</b><img src=x onerror="window.__pwned=3">',
      },
      { type: 'link', text: 'Votre lien :', url: 'javascript:window.__pwned=4' },
      {
        type: 'card',
        title: '<i>Demande</i>',
        fields: [{ label: '<u>Statut</u>', value: '<script>window.__pwned=5</script>' }],
      },
    ]);
    const agent = page.locator('.guichet-log .guichet-msg--agent', { hasText: 'Claire' });
    await agent.waitFor();
    expect(await agent.textContent()).toMatch(
      said('Agent dit : <b>Claire</b><img src=x onerror="window.__pwned=3">'),
    );
    await page.locator('.guichet-card-title', { hasText: '<i>Demande</i>' }).waitFor();
    expect(await page.locator('.guichet-fields dd').last().textContent()).toBe(
      '<script>window.__pwned=5</script>',
    );

    expect(await log().locator('img, script, b, i, u').count()).toBe(0);
    expect(await log().locator('a[href^="javascript"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('reconnects after the connection dropped (sleep, network) and shows what was said meanwhile', async () => {
    const id = (await conversationId())!;
    const before = await page.locator('.guichet-log li').count();
    refuseUpgrades = true;
    upgrades.at(-1)?.destroy();
    // Meanwhile the conversation goes on elsewhere (another tab): it is in the transcript, not pushed.
    await container.engine.handleTurn({
      tenantId: DEMO_TENANT,
      channel: 'webchat',
      address: id,
      text: 'message écrit dans un autre onglet',
    });
    for (let i = 0; i < 100 && refused === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(refused).toBeGreaterThan(0); // the widget tried again, and was refused
    const accepted = upgrades.length;
    refuseUpgrades = false;
    await page
      .locator('.guichet-log .guichet-msg--user', { hasText: 'message écrit dans un autre onglet' })
      .waitFor({ timeout: 20_000 });
    expect(upgrades.length).toBeGreaterThan(accepted);
    expect(await page.locator('.guichet-log li').count()).toBeGreaterThan(before + 1); // the message and its replies
    // Nothing shown twice: neither what came meanwhile nor what was already there.
    expect(
      await page
        .locator('.guichet-log .guichet-msg--user', { hasText: 'message écrit dans un autre onglet' })
        .count(),
    ).toBe(1);
    expect(
      await page
        .locator('.guichet-log .guichet-msg--user', { hasText: 'Piscine intercommunale Les Tilleuls' })
        .count(),
    ).toBe(1);
    // And the new socket carries pushes again.
    await publishToConversation(container.bus, DEMO_TENANT, id, {
      type: 'text',
      text: 'De retour en ligne.',
    });
    await page.locator('.guichet-log .guichet-msg--bot', { hasText: 'De retour en ligne.' }).waitFor();
  });

  async function seriousAxeViolations(): Promise<AxeViolation[]> {
    await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> };
        }
      ).axe;
      const result = await axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target })),
      }));
    });
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  }

  it('passes axe-core with no serious or critical violation, panel open (conversation shown) and closed', async () => {
    await page.mouse.move(0, 0); // no hover state
    expect(await seriousAxeViolations()).toEqual([]);
    await page.screenshot({ path: path.join(os.tmpdir(), 'guichet-webchat-1280.png') });
    await page.locator('.guichet-close').click();
    expect(await seriousAxeViolations()).toEqual([]);
    await page.locator('.guichet-launcher').click();
    await panel().waitFor({ state: 'visible' });
  });

  it('switches to English: labels, language of the panel, and the locale sent to the API', async () => {
    await page.locator('.guichet-lang').click();
    expect(await page.locator('.guichet-root').getAttribute('lang')).toBe('en');
    expect(await page.locator('.guichet-send').textContent()).toBe('Send');
    expect(await page.locator('label[for="guichet-input"]').textContent()).toBe('Your message');
    const sent = page.waitForRequest(
      (r) => r.url().includes('/channels/webchat/messages') && r.method() === 'POST',
    );
    await page.locator('#guichet-input').fill('What are the opening hours of the swimming pool?');
    await page.keyboard.press('Enter');
    expect(((await sent).postDataJSON() as { locale: string }).locale).toBe('en');
    await page
      .locator('.guichet-log .guichet-msg--user', { hasText: 'You said: What are the opening hours' })
      .waitFor();
    await page.locator('.guichet-log .guichet-msg--bot', { hasText: /pool is (open|closed)/i }).waitFor();
    await page.locator('.guichet-lang').click(); // back to French
    expect(await page.locator('.guichet-send').textContent()).toBe('Envoyer');
  });

  it.each([
    [320, 640, '320 px wide phone'],
    [640, 400, '200 % zoom on a 1280 × 800 screen'],
  ])('is usable at %i × %i (%s): no horizontal scroll, input and button in view', async (width, height) => {
    await page.setViewportSize({ width, height });
    const box = await panel().boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(width + 0.5);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    for (const selector of ['#guichet-input', '.guichet-send', '.guichet-close']) {
      const b = await page.locator(selector).boundingBox();
      expect(b).not.toBeNull();
      expect(b!.x).toBeGreaterThanOrEqual(0);
      expect(b!.x + b!.width).toBeLessThanOrEqual(width + 0.5);
      expect(b!.y + b!.height).toBeLessThanOrEqual(height + 0.5);
    }
    const count = await page.locator('.guichet-log .guichet-msg--user').count();
    await page.locator('#guichet-input').fill('bonjour');
    await page.locator('.guichet-send').click();
    await page.waitForFunction(
      (n) => document.querySelectorAll('.guichet-log .guichet-msg--user').length > n,
      count,
    );
    if (width === 320) await page.screenshot({ path: path.join(os.tmpdir(), 'guichet-webchat-320.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
