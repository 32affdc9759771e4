// `npm run chat`: a terminal conversation with the real engine, previewed per medium.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Container } from '../../server/container';
import { createTestContainer, DEMO_TENANT } from '../../tests/support/harness';
import { runChat } from './chat';
import type { PreviewChannel } from './preview';

// Building or closing a container (PGlite) is slow on a loaded machine (the whole suite in parallel).
const HOOK_TIMEOUT_MS = 120_000;

let container: Container;
/** The engine's clock, and the preview's: real time unless a test sets it. */
let now: Date | undefined;
const clock = () => now ?? new Date();
beforeAll(async () => {
  container = await createTestContainer({}, { clock });
}, HOOK_TIMEOUT_MS);
afterEach(() => {
  now = undefined;
});
afterAll(async () => {
  await container.close();
}, HOOK_TIMEOUT_MS);

/** Pipes `lines` into a chat and returns everything it printed once the input ended. */
async function chat(channel: PreviewChannel, lines: string[], locale?: 'fr' | 'en'): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const territory = container.territories.current().get(DEMO_TENANT)!;
  const done = runChat({
    engine: container.engine,
    tenantId: DEMO_TENANT,
    channel,
    locale,
    preview: { sms: territory.sms, notice: territory.notice.shortText },
    phone: { territory, clock },
    input,
    output,
  });
  input.end(lines.map((l) => `${l}\n`).join(''));
  await done;
  return printed;
}

describe('npm run chat (in-process)', () => {
  it('webchat: shows buttons as [n], and a number clicks that button', async () => {
    const out = await chat('webchat', ['bonjour', '1']);
    expect(out).toMatch(/> bonjour\n/);
    expect(out).toMatch(/\[1\] Connaître des horaires d’ouverture/);
    expect(out).toMatch(/> 1\nDe quel lieu voulez-vous les horaires \?/);
    expect(out).toMatch(/\[6\] Piscine intercommunale Les Tilleuls/);
  });

  it('sms: prints the real SMS bodies with their encoding and segment count', async () => {
    const out = await chat('sms', ['horaires de la piscine']);
    expect(out).toMatch(/\[SMS 1\/\d · (GSM-7|UCS-2) · \d segments? · \d+ caractères\]/);
    expect(out).toMatch(/piscine est (ouverte|fermée)/i);
  });

  it('voice: prints what the phone line says, menus as "tapez n"', async () => {
    const out = await chat('voice', ['bonjour']);
    expect(out).toMatch(/🔊 .*Pour connaître des horaires d’ouverture, tapez 1/);
    expect(out).not.toMatch(/https?:\/\//);
  });

  it('voice: "parler à un agent" shows what the line does at that hour — the choices on a Saturday at 6:40, the transfer on a Monday at 10:00', async () => {
    now = new Date('2026-11-28T05:40:00Z'); // Saturday 06:40 in Paris
    const saturday = await chat('voice', ['je veux parler à un agent']);
    expect(saturday).not.toMatch(/☎|transfert|mets en relation/);
    expect(saturday).toMatch(
      /🔊 Nos agents ne sont pas disponibles en ce moment\. Ils seront de retour lundi 30 novembre à 9 heures\./,
    );
    expect(saturday).toMatch(
      /Pour être rappelé dès leur retour, tapez 1.*Pour laisser un message vocal, tapez 2/,
    );

    now = new Date('2026-11-30T09:00:00Z'); // Monday 10:00 in Paris
    const monday = await chat('voice', ['je veux parler à un agent']);
    expect(monday).toMatch(
      /🔊 Je vous mets en relation avec un agent\. Ne quittez pas\.\n☎ transfert vers \+33939980100/,
    );
  });

  it('answers in English with --locale en', async () => {
    const out = await chat('webchat', ['hello'], 'en');
    expect(out).toMatch(/Hello! I am the assistant/);
    expect(out).toMatch(/\[1\] Opening hours/);
  });
});

describe('npm run chat (real command, piped input)', () => {
  it('reads two piped lines, answers each, and exits 0 at the end of input', async () => {
    const root = path.resolve(__dirname, '../..');
    const child = spawn('npm', ['run', '-s', 'chat', '--', '--channel', 'webchat'], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdin.end('bonjour\n1\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toMatch(/> bonjour\n[\s\S]*\[1\] Connaître des horaires[\s\S]*> 1\nDe quel lieu/);
  }, 90_000);
});
