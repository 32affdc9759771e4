// What the browser suites share: Debian's Chromium with the flags this machine needs, the screenshots' folder,
// axe-core run inside the page (evaluated, since the console's CSP forbids inline scripts), and a server that
// answers out of order.
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';

export const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? '/tmp/guichet-screenshots';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A new page of the console signed in with an API token (the console's token form), at `width` px. */
export async function consoleWithToken(
  browser: Browser,
  base: string,
  token: string,
  width = 1280,
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(`${base}/console`);
  await page.fill('#token', token);
  await page.press('#token', 'Enter');
  await page.waitForSelector('#app:not([hidden])');
  return page;
}

/** Every axe-core violation on the page, whatever its impact, as "rule (nodes)". */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
}

/**
 * A busy server answering out of order: from now on, the first GET the page sends to a URL that `matches` is read
 * by the server at once, but its answer reaches the page only after the next such GET has been answered. Returns
 * what to await once the page has sent both: the late answer delivered, then 300 ms for the page to draw it (as it
 * did before the pages kept only the last answer asked), then the routing removed.
 */
export async function answerFirstLate(
  page: Page,
  matches: (url: URL) => boolean,
): Promise<() => Promise<void>> {
  let held: Request | undefined;
  let delivered: Promise<unknown> | undefined;
  await page.route(matches, async (route) => {
    if (held || route.request().method() !== 'GET') return route.continue();
    const first = route.request();
    held = first;
    delivered = page.waitForEvent('requestfinished', (r) => r === first);
    const next = page.waitForEvent(
      'requestfinished',
      (r) => r !== first && r.method() === 'GET' && matches(new URL(r.url())),
    );
    const response = await route.fetch();
    await next;
    return route.fulfill({ response });
  });
  return async () => {
    if (!delivered) throw new Error('the page asked for nothing that answerFirstLate holds');
    await delivered;
    await page.waitForTimeout(300);
    await page.unroute(matches);
  };
}
