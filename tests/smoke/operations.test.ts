// Operating the built server with its embedded database (PGlite, one process only):
// - while it runs, `npm run token:create` and a second server refuse the data directory with a clear message
//   (they used to open it too and corrupt it: tokens lost, duplicate audit keys);
// - SIGTERM with the agents' live event stream and a web chat socket open stops at once and cleanly (it used
//   to wait 25 s for the stream, then exit 1);
// - after restarts (clean, and after a kill -9 that leaves a stale lock), every token reported created works.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { freePort } from '../support/servers';
import { describeWith } from '../support/services';
interface TestDatabase {
  url: string;
  drop: () => Promise<unknown>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createTestDatabase } = require('../support/test-database.js') as {
  createTestDatabase: (options?: { empty?: boolean }) => Promise<TestDatabase>;
};
import { REPO_ROOT, startBuiltServer, type BuiltServer } from './support';

const HOOK_TIMEOUT_MS = 180_000;
// A CLI run and a server start take a few seconds alone, much more on a busy 2-core machine.
const TEST_TIMEOUT_MS = 180_000;
const ADMIN_TOKEN = 'smoke-admin-token-0123456789abcdef';
const TENANT = 'val-de-loue';

let dataDir: string;
let port: number;
let server: BuiltServer | undefined;
const env = (): Record<string, string> => ({
  NODE_ENV: 'production',
  DATA_DIR: dataDir,
  ADMIN_TOKEN,
  WEBCHAT_SECRET: 'smoke-operations-webchat-secret',
});

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'guichet-smoke-ops-'));
  port = await freePort();
  server = await startBuiltServer(env(), port);
}, HOOK_TIMEOUT_MS);
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, HOOK_TIMEOUT_MS);

const SCRIPTS = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

/**
 * `npm run <name> -- <args>` as npm runs it (package.json's own script, by a shell), without npm itself, on the
 * same DATA_DIR: the operations commands run the compiled dist/ too, without tsx.
 */
function runScript(
  name: 'token:create' | 'retention' | 'indicators:rebuild',
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', `${SCRIPTS[name]} "$@"`, name, ...args], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
        NODE_OPTIONS: '',
        ...env(),
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const tokenCli = () => runScript('token:create', ['--tenant', TENANT, '--role', 'agent', '--name', 'CLI']);

async function api(path_: string, token: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server!.baseUrl}/api/v1${path_}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });
}

async function createTokenByApi(name: string): Promise<string> {
  const res = await api('/tokens', ADMIN_TOKEN, {
    method: 'POST',
    body: JSON.stringify({ tenantId: TENANT, role: 'agent', name }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

async function expectTokensWork(tokens: string[]): Promise<void> {
  for (const token of tokens) {
    const res = await api('/me', token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ role: 'agent', tenantId: TENANT });
  }
}

/** The agents' live event stream, open until the server ends it; resolves `ready` at its first event. */
function openEventStream(): { ready: Promise<void>; ended: Promise<void> } {
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const ended = (async () => {
    const res = await fetch(`${server!.baseUrl}/api/v1/events?tenant=${TENANT}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      text += Buffer.from(value!).toString();
      if (text.includes('event: ready')) onReady();
    }
  })();
  return { ready, ended };
}

async function openWebchatSocket(): Promise<{ closed: Promise<number> }> {
  const res = await fetch(`${server!.baseUrl}/channels/webchat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'bonjour' }),
  });
  const { conversationId, token } = (await res.json()) as { conversationId: string; token: string };
  const ws = new WebSocket(
    `ws://127.0.0.1:${port}/channels/webchat/ws?conversationId=${conversationId}&token=${encodeURIComponent(token)}`,
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { closed: new Promise((resolve) => ws.once('close', (code) => resolve(code))) };
}

describe('one process per embedded data directory', () => {
  const reported: string[] = [];

  it(
    'refuses token:create while the server holds the data directory, with what to do instead',
    async () => {
      reported.push(await createTokenByApi('before the CLI'));
      const cli = await tokenCli();
      expect(cli.code).toBe(1);
      expect(cli.stdout).toBe(''); // no token printed: none was created
      expect(cli.stderr).toMatch(/déjà ouvert par un autre processus Guichet \(pid \d+/);
      expect(cli.stderr).toMatch(/use the running server instead.*POST \/api\/v1\/tokens with ADMIN_TOKEN/);
      expect(cli.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
      // The server and its database are intact.
      reported.push(await createTokenByApi('after the CLI'));
      await expectTokensWork(reported);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'runs the retention and indicators commands from dist/, which leave the embedded store to the server',
    async () => {
      expect(SCRIPTS.retention).not.toMatch(/tsx/);
      const retention = await runScript('retention', []);
      expect(retention.code).toBe(2);
      expect(retention.stderr).toMatch(/npm run retention -- --embedded/);
      expect(retention.stderr).not.toMatch(/\n\s+at /);
      const rebuild = await runScript('indicators:rebuild', []);
      expect(rebuild.code).toBe(2);
      expect(rebuild.stderr).toMatch(/npm run indicators:rebuild -- --embedded/);
      await expectTokensWork(reported);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'refuses a second server on the same data directory',
    async () => {
      await expect(startBuiltServer(env(), await freePort())).rejects.toThrow(
        /exited before listening[\s\S]*already open in another Guichet process/,
      );
      await expectTokensWork(reported);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'stops at once with a live event stream and a web chat socket open, and exits 0',
    async () => {
      const stream = openEventStream();
      await stream.ready;
      const socket = await openWebchatSocket();
      const exit = await server!.stop();
      expect(server!.logs.filter((l) => l.includes('shutdown took too long'))).toEqual([]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(server!.logs.some((l) => l.includes('"msg":"bye"'))).toBe(true);
      await stream.ended; // the stream was ended by the server, so the browser reconnects elsewhere
      expect(await socket.closed).toBeGreaterThan(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'keeps every token reported created across a restart, and lets the CLI work while the server is down',
    async () => {
      const cli = await tokenCli();
      expect(cli.code).toBe(0);
      reported.push(cli.stdout.trim());
      server = await startBuiltServer(env(), port);
      await expectTokensWork(reported);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'takes over the lock left by a killed server',
    async () => {
      server!.child.kill('SIGKILL');
      await server!.exited;
      server = await startBuiltServer(env(), port);
      await expectTokensWork(reported);
    },
    TEST_TIMEOUT_MS,
  );
});

describeWith('postgres', 'the operations commands from dist/ on a PostgreSQL database', () => {
  // An empty database of its own, which the first command migrates (as on a new deployment).
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ empty: true });
  }, HOOK_TIMEOUT_MS);
  afterAll(() => database?.drop(), HOOK_TIMEOUT_MS);

  it(
    'migrates it, runs the retention job and rebuilds the indicators, each printing its JSON report',
    async () => {
      const extra = { DATABASE_URL: database.url };
      const retention = await runScript('retention', [], extra);
      expect(retention.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(retention.code).toBe(0);
      const reports = retention.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { tenantId: string; ran: boolean });
      expect(reports).toEqual(
        expect.arrayContaining([expect.objectContaining({ tenantId: TENANT, ran: true })]),
      );
      const rebuild = await runScript('indicators:rebuild', [], extra);
      expect(rebuild.code).toBe(0);
      expect(JSON.parse(rebuild.stdout.trim())).toMatchObject({ rebuilt: true });
    },
    TEST_TIMEOUT_MS,
  );
});
