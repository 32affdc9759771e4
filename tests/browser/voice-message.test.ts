// A voice message a caller left on the phone line, in the agent console (headless Chromium): the conversation
// waits in the queue with "Message vocal (14 s) : demande DEM-…", and the request « Message vocal » shows it
// too (length, transcription, the number hidden); "Écouter le message vocal" fetches the recording through the
// back office (streamed from Twilio, here nock) and plays it in an <audio> player; Twilio down is said in
// French. axe finds no violation; screenshots at 1280 and 375 px (SCREENSHOT_DIR) to look at.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import type { Browser, Page } from 'playwright-core';
import { VoiceLanding } from '../../channels/twilio-voice/landing';
import type { Container } from '../../server/container';
import { ACCOUNT_SID, AUTH_TOKEN, TWILIO_API, TWILIO_ENV, sid } from '../channels/twilio-helpers';
import {
  backofficeContainer,
  closeServer,
  issueToken,
  listen,
  rows,
  CONTAINER_TIMEOUT_MS,
  OUT_OF_HOURS,
} from '../backoffice/support';
import { SCREENSHOTS, axeViolations, launchChromium } from '../support/browser';
import { DEMO_TENANT } from '../support/harness';

jest.setTimeout(120_000);

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    // Nothing wider than the screen: a call's id in the meta line used to push both cards past a phone's width.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('a voice message in the console (headless Chromium)', () => {
  let container: Container;
  let server: Awaited<ReturnType<typeof listen>>;
  let browser: Browser;
  let agentToken: string;
  const recordingSid = sid('CA').replace(/^CA/, 'RE');
  const recordingPath = `/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}.mp3`;

  beforeAll(async () => {
    container = await backofficeContainer(TWILIO_ENV);
    server = await listen(container);
    agentToken = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Marie' })).token;
    const territory = container.territories.current().get(DEMO_TENANT)!;
    await new VoiceLanding(
      container.store,
      container.engine,
      territory,
      sid('CA'),
      OUT_OF_HOURS,
    ).voiceMessage(recordingSid, 14, '+33623456789');
    browser = await launchChromium();
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    nock.cleanAll();
    await browser?.close();
    if (server) await closeServer(server.server);
    await container?.close();
  });

  async function voiceConversation(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.base}/console`);
    await page.fill('#token', agentToken);
    await page.press('#token', 'Enter');
    await page.waitForSelector('#app:not([hidden])');
    await page.locator('#queue .conv', { hasText: 'Téléphone' }).first().click();
    await page.waitForSelector('#conversation:not([hidden])');
    await page.waitForSelector('#transcript .voice-message button');
    return page;
  }

  it('plays the recording fetched through the back office, and says so when Twilio does not answer', async () => {
    const page = await voiceConversation();
    expect(await page.textContent('#transcript')).toMatch(/Message vocal \(14 s\) : demande DEM-/);
    expect(await page.textContent('#transcript')).not.toContain('23 45 67 89');
    expect(await page.textContent('#summary')).toContain('Message vocal laissé au téléphone');
    // The call's conversation is addressed by its CallSid: no "rappelez-la au CA…".
    expect(await page.textContent('#reply-reach')).toBe('Aucun moyen de joindre cette personne par écrit.');
    expect(await axeViolations(page)).toEqual([]);

    // Twilio down first: the agent is told, and can try again.
    const down = nock(TWILIO_API).get(recordingPath).reply(503, 'unavailable');
    await page.click('#transcript .voice-message button');
    await page.waitForFunction(() =>
      /ne répond pas pour le moment/.test(
        document.querySelector('#transcript .voice-status')?.textContent ?? '',
      ),
    );
    down.done();
    expect(await page.isEnabled('#transcript .voice-message button')).toBe(true);

    const up = nock(TWILIO_API)
      .get(recordingPath)
      .basicAuth({ user: ACCOUNT_SID, pass: AUTH_TOKEN })
      .reply(200, Buffer.from('ID3 voice message'), { 'Content-Type': 'audio/mpeg' });
    await page.locator('#transcript .voice-message button').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#transcript .voice-message audio[controls]');
    up.done();
    expect(await page.getAttribute('#transcript .voice-message audio', 'src')).toMatch(/^blob:/);
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'message-vocal');
    await page.close();
  });

  it('the request « Message vocal » shows its length and transcription, and plays it from its page', async () => {
    const [voice] = await rows<{ reference: string }>(
      container,
      `SELECT reference FROM requests WHERE type = 'voice_message' AND payload -> 'voiceMessage' ->> 'recordingSid' = $1`,
      [recordingSid],
    );
    const territory = container.territories.current().get(DEMO_TENANT)!;
    await container.store.recordVoiceTranscription({
      tenantId: territory.id,
      recordingSid,
      text: 'Bonjour, le lampadaire de la rue des Lilas est éteint.',
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.base}/console`);
    await page.fill('#token', agentToken);
    await page.press('#token', 'Enter');
    await page.waitForSelector('#app:not([hidden])');
    await page.goto(`${server.base}/console/demande.html?ref=${voice!.reference}`);
    await page.waitForSelector('#photo .voice-message button');
    expect(await page.textContent('#request-summary, main')).toContain('Message vocal');
    expect(await page.textContent('#details')).toContain('14 s');
    expect(await page.textContent('#details')).toContain(
      'Bonjour, le lampadaire de la rue des Lilas est éteint.',
    );
    expect(await page.textContent('main')).not.toContain('23 45 67 89');
    expect(await axeViolations(page)).toEqual([]);

    const up = nock(TWILIO_API)
      .get(recordingPath)
      .basicAuth({ user: ACCOUNT_SID, pass: AUTH_TOKEN })
      .reply(200, Buffer.from('ID3 voice message'), { 'Content-Type': 'audio/mpeg' });
    await page.locator('#photo .voice-message button').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#photo .voice-message audio[controls]');
    up.done();
    expect(await axeViolations(page)).toEqual([]);
    await shoot(page, 'demande-message-vocal');
    await page.close();
  });
});
