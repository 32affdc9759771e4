// The agent console in headless Chromium, with the citizen's web chat widget in another page: the agent
// logs in, sees the conversation arrive in the queue live, takes it over, replies; the citizen's page
// shows the reply; the agent releases it and the citizen is told. Also: HTML typed by a citizen is shown
// as text, the token stays in sessionStorage, the CSP is strict, and axe finds no violation.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Container } from '../../server/container';
import {
  backofficeContainer,
  closeServer,
  issueToken,
  listen,
  CONTAINER_TIMEOUT_MS,
} from '../backoffice/support';
import { answerFirstLate, axeViolations, launchChromium, SCREENSHOTS } from '../support/browser';
import { DEMO_TENANT } from '../support/harness';

jest.setTimeout(120_000);

describe('agent console (headless Chromium)', () => {
  let container: Container;
  let server: Awaited<ReturnType<typeof listen>>;
  let browser: Browser;
  let agentToken: string;

  beforeAll(async () => {
    container = await backofficeContainer({ OUTBOX_RELAY: 'true', OUTBOX_POLL_MS: '100' });
    server = await listen(container);
    agentToken = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Marie' })).token;
    browser = await launchChromium();
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    if (server) await closeServer(server.server);
    await container?.close();
  });

  async function citizenPage(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${server.base}/`);
    await page.click('.guichet-launcher');
    return page;
  }

  async function citizenSays(page: Page, text: string): Promise<void> {
    await page.fill('#guichet-input', text);
    await page.press('#guichet-input', 'Enter');
  }

  it('serves the console with a strict CSP and keeps the token in sessionStorage only', async () => {
    const res = await fetch(`${server.base}/console/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-inline/);
    const page = await browser.newPage();
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(`${server.base}/console`);
    await page.fill('#token', 'gch_wrong_token_wrong_token_wrong');
    await page.press('#token', 'Enter');
    await page.waitForFunction(() =>
      /pas reconnu/.test(document.querySelector('#login-error')?.textContent ?? ''),
    );
    await page.fill('#token', agentToken);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');
    expect(await page.textContent('#whoami')).toMatch(
      /Marie · Agent · Communauté de communes du Val de Loue/,
    );
    expect(
      await page.evaluate(() => [
        sessionStorage.getItem('guichet.console.token'),
        localStorage.length,
        document.cookie,
      ]),
    ).toEqual([agentToken, 0, '']);
    expect(urls.some((u) => u.includes(agentToken))).toBe(false);
    // Agents do not see the indicators tab.
    expect(await page.isHidden('#tab-indicators')).toBe(true);
    await page.close();
  });

  it('an agent takes over a web chat conversation, replies, the citizen sees it, the agent releases', async () => {
    const console = await browser.newPage();
    const errors: string[] = [];
    console.on('pageerror', (e) => errors.push(String(e)));
    await console.goto(`${server.base}/console`);
    await console.fill('#token', agentToken);
    await console.press('#token', 'Enter');
    await console.waitForFunction(() => document.querySelector('#live-status')?.textContent === 'En direct');
    expect(await console.textContent('#queue-empty')).toMatch(/Personne n’attend/);

    // The citizen asks for a person on the commune's website.
    const citizen = await citizenPage();
    await citizenSays(citizen, 'je veux parler à un agent');
    await citizen.waitForFunction(() =>
      /transmets votre demande à un agent/.test(document.querySelector('.guichet-log')?.textContent ?? ''),
    );

    // It shows up in the queue, live (relay → EventBus → /api/v1/events), and is announced.
    const item = console.locator('#queue button[data-conversation-id]');
    await item.first().waitFor({ timeout: 15_000 });
    await console.waitForFunction(() =>
      /Nouvelle conversation en attente/.test(document.querySelector('#announce')?.textContent ?? ''),
    );
    expect(await console.textContent('#queue-count')).toBe('1');
    await item.first().click();
    await console.waitForSelector('#conversation:not([hidden])');
    // Asked for an agent at once: the summary says there was no question before (not the menu words).
    expect(await console.textContent('#summary')).toMatch(
      /Aucune question écrite avant la demande d’un agent/,
    );

    // A message typed by the citizen with HTML in it is shown as text.
    await citizenSays(citizen, '<img src=x onerror="window.pwned=1"><b>urgent</b>');
    await console.waitForFunction(() =>
      /<b>urgent<\/b>/.test(document.querySelector('#transcript')?.textContent ?? ''),
    );
    expect(await console.locator('#transcript b, #transcript img').count()).toBe(0);
    expect(await console.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();

    // Take over: the citizen is told an agent joined.
    await console.click('#takeover');
    await console.waitForFunction(
      () => !(document.querySelector('#reply-send') as HTMLButtonElement).disabled,
    );
    await citizen.waitForFunction(() =>
      /a rejoint la conversation/.test(document.querySelector('.guichet-log')?.textContent ?? ''),
    );

    // Reply: the citizen's page shows it, pushed over the socket.
    await console.fill('#reply-text', 'Bonjour, je suis Marie. Que puis-je faire pour vous ?');
    await console.click('#reply-send');
    await citizen.waitForFunction(() =>
      // (\s: the web chat typesets a narrow no-break space before "?".)
      /Bonjour, je suis Marie\. Que puis-je faire pour vous\s\?/.test(
        document.querySelector('.guichet-log')?.textContent ?? '',
      ),
    );
    await console.waitForFunction(() =>
      /Bonjour, je suis Marie/.test(document.querySelector('#transcript')?.textContent ?? ''),
    );
    // The box is emptied once the reply is accepted (the transcript may show it first, from the live stream).
    await console.waitForFunction(
      () => (document.querySelector('#reply-text') as HTMLTextAreaElement).value === '',
    );

    // Release: back to the bot, the citizen is told, and the bot answers again.
    await console.click('#release');
    await citizen.waitForFunction(() =>
      /assistant automatique/.test(document.querySelector('.guichet-log')?.textContent ?? ''),
    );
    await console.waitForFunction(
      () => (document.querySelector('#takeover') as HTMLButtonElement).disabled === false,
    );
    // Then one satisfaction question, with buttons 1 to 5; a comment is optional.
    await citizen.waitForSelector('.guichet-log .guichet-choices button:text-is("5")');
    expect(await citizen.textContent('.guichet-log')).toMatch(/Êtes-vous satisfait\(e\)\s\?/);
    await citizen.screenshot({ path: path.join(SCREENSHOTS, 'webchat-satisfaction.png') });
    await citizen.click('.guichet-log .guichet-choices button:text-is("4")');
    await citizen.waitForFunction(() =>
      /Un commentaire\s\?/.test(document.querySelector('.guichet-log')?.textContent ?? ''),
    );
    await citizenSays(citizen, 'non');
    await citizen.waitForFunction(() =>
      /Merci, bonne journée/.test(document.querySelector('.guichet-log')?.textContent ?? ''),
    );
    await citizenSays(citizen, 'bonjour');
    await citizen.waitForFunction(
      () =>
        (document.querySelector('.guichet-log')?.textContent ?? '')
          .split('assistant automatique')[1]
          ?.includes('Bonjour') === true,
    );
    expect(errors).toEqual([]);
    await citizen.close();
    await console.close();
  });

  it('a live change of the queue (one arriving, one taken by a colleague) leaves the keyboard focus where it is', async () => {
    const console = await browser.newPage();
    await console.goto(`${server.base}/console`);
    await console.fill('#token', agentToken);
    await console.press('#token', 'Enter');
    await console.waitForFunction(() => document.querySelector('#live-status')?.textContent === 'En direct');
    const first = await citizenPage();
    await citizenSays(first, 'je veux parler à un agent');
    const items = console.locator('#queue button[data-conversation-id]');
    await items.first().waitFor({ timeout: 15_000 });
    const head = (await items.first().getAttribute('data-conversation-id'))!;
    await items.first().focus();
    const focused = () =>
      console.evaluate(() => document.activeElement?.getAttribute('data-conversation-id'));

    // Another citizen asks for a person while the agent is on the first one: the queue grows under the focus.
    const second = await citizenPage();
    await citizenSays(second, 'je veux parler à un agent');
    const queueCount = (n: string) =>
      console.waitForFunction((count) => document.querySelector('#queue-count')?.textContent === count, n, {
        timeout: 15_000,
      });
    await queueCount('2');
    expect(await focused()).toBe(head);

    // The agent moves to the second; a colleague takes the first (the head of the queue) meanwhile.
    await console.keyboard.press('Tab');
    const next = (await focused())!;
    expect(next).not.toBe(head);
    const colleague = await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Paul' });
    const taken = await fetch(`${server.base}/api/v1/conversations/${head}/takeover`, {
      method: 'POST',
      headers: { authorization: `Bearer ${colleague.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(taken.status).toBe(200);
    await queueCount('1');
    expect(await focused()).toBe(next);

    await console.keyboard.press('Enter');
    await console.waitForSelector('#conversation:not([hidden])');
    await console.click('#takeover');
    await queueCount('0');
    await first.close();
    await second.close();
    await console.close();
  });

  it('shows requests with status changes and indicators as charts to a supervisor; axe finds no serious issue', async () => {
    const supervisor = await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT });
    const conv = await container.store.openConversation({
      tenantId: DEMO_TENANT,
      channel: 'webchat',
      address: 'wc_browser_requests_1',
    });
    const reference = await container.store.reserveReference(new Date());
    await container.store.commitTurn({
      tenantId: DEMO_TENANT,
      conversationId: conv.id,
      messages: [{ direction: 'in', text: 'lampadaire' }],
      requests: [
        {
          reference,
          tenantId: DEMO_TENANT,
          type: 'report_incident',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          channel: 'webchat',
          contactId: conv.contactId,
          conversationId: conv.id,
          payload: { category: 'eclairage', description: 'Lampadaire éteint', geocoding: 'ok' },
        },
      ],
      outbox: [],
    });
    const page = await browser.newPage();
    await page.goto(`${server.base}/console`);
    await page.fill('#token', supervisor.token);
    await page.press('#token', 'Enter');
    await page.waitForSelector('#app:not([hidden])');

    await page.click('[data-tab=requests]');
    const row = page.locator('#requests-body tr', { hasText: reference });
    await row.waitFor();
    await row.locator('select').selectOption('in_progress');
    await row.locator('.status-form input').fill('Intervention prévue demain');
    await row.locator('button').click();
    await page.waitForFunction(
      (ref) => new RegExp(`${ref} : En cours`).test(document.querySelector('#announce')?.textContent ?? ''),
      reference,
    );
    const [stored] = (
      await (
        container.store as unknown as {
          sql: { query(q: string, p: unknown[]): Promise<{ rows: { status: string }[] }> };
        }
      ).sql.query('SELECT status FROM requests WHERE reference = $1', [reference])
    ).rows;
    expect(stored?.status).toBe('in_progress');

    // A filter answering late (a busy server) does not replace the list of the filter chosen after it.
    const lateAnswerDrawn = await answerFirstLate(
      page,
      (url) => url.pathname === '/api/v1/requests' && url.searchParams.has('status'),
    );
    await page.selectOption('#filter-status', 'resolved');
    await page.click('#request-filters button[type=submit]');
    await page.selectOption('#filter-status', 'in_progress');
    await page.click('#request-filters button[type=submit]');
    await lateAnswerDrawn();
    expect(await page.locator('#requests-body tr', { hasText: reference }).count()).toBe(1);

    await page.click('[data-tab=indicators]');
    await page.waitForSelector('#indicators canvas');
    expect(await page.textContent('#indicators')).toMatch(/Taux de transfert à un agent/);
    expect(await page.locator('#indicators .chart h3').allTextContents()).toEqual(
      expect.arrayContaining(['Demandes par type', 'Demandes par canal', 'Demandes par commune']),
    );

    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
