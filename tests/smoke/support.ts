// The production smoke suites run what ships: dist/ (built once by tests/support/global-setup.js with
// scripts/build.js, as `npm run build` and `prestart` do), started with package.json's own start command
// (read from the file, run by a shell as npm runs it, without npm's prestart rebuild). The outside world the
// server talks to — a language model, Twilio's REST API, a Bot Framework connector — is faked on loopback by
// small HTTP servers that record what they receive.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** package.json's start script: what `npm start` runs after its build. */
export const START_COMMAND = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }
).scripts.start;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface BuiltServer {
  baseUrl: string;
  port: number;
  child: ChildProcess;
  /** Every line written to stdout and stderr. */
  logs: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then the exit (SIGKILL after 40 s, so a stuck server cannot hold the suite). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the built server as `npm start` does (same command, same flags) on `port`, and waits until it
 * listens. `exec` hands the shell's process over to node, so signals reach the server itself.
 */
export async function startBuiltServer(env: Record<string, string>, port: number): Promise<BuiltServer> {
  const child = spawn('sh', ['-c', `exec ${START_COMMAND}`], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      // The same node as the tests, first on the PATH (npm does the same for its scripts).
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
      // jest's flags (--experimental-vm-modules) are not the production server's.
      NODE_OPTIONS: '',
      LOG_LEVEL: 'info',
      WATCH_TERRITORIES: 'false',
      RETENTION_INTERVAL_MINUTES: '0',
      GEOCODING_RETRY_MINUTES: '0',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const reader = (): ((data: Buffer) => void) => {
    let buffer = '';
    return (data) => {
      buffer += data.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      logs.push(...lines.filter((l) => l.length > 0));
    };
  };
  child.stdout!.on('data', reader());
  child.stderr!.on('data', reader());
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 120_000;
  while (!logs.some((l) => l.includes('Guichet is listening'))) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the built server exited before listening:\n${logs.join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the built server was not listening after 120 s:\n${logs.join('\n')}`);
    }
    await sleep(100);
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    child,
    logs,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
      const result = await exited;
      clearTimeout(killer);
      return result;
    },
  };
}

/** Log lines that are not one JSON object (a stack trace, a library's console output). */
export const nonJsonLines = (logs: readonly string[]): string[] =>
  logs.filter((line) => {
    try {
      return typeof JSON.parse(line) !== 'object';
    } catch {
      return true;
    }
  });

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

type Answer = { status: number; body: unknown; contentType?: string };

/** A loopback HTTP server that records every request and answers with `answer(request)`. */
export async function fakeServer(answer: (req: RecordedRequest) => Answer): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const { status, body, contentType } = answer(recorded);
      res.writeHead(status, { 'content-type': contentType ?? 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Polls until `found` returns something (bounded: the suite must stop by itself). */
export async function eventually<T>(found: () => T | undefined, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = found();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${ms} ms`);
    await sleep(50);
  }
}
