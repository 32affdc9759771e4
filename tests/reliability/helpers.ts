// Shared by the reliability suites: a web chat client over HTTP (in-process app or a real server), a
// driver that takes an incident report up to its confirmation, and store checks.
import type { Express } from 'express';
import request from 'supertest';
import type { SqlClient } from '../../adapters/postgres';
import { replyToPlainText, type Reply } from '../../bot/messages';

export interface WebchatAnswer {
  status: number;
  conversationId?: string;
  token?: string;
  messages: Reply[];
  text: string;
  error?: { code: string };
  ms: number;
}

export interface WebchatBody {
  text: string;
  conversationId?: string;
  token?: string;
  clientMessageId?: string;
  choiceValue?: string;
  location?: { lat: number; lon: number };
}

export type WebchatPost = (body: WebchatBody) => Promise<WebchatAnswer>;

const plain = (messages: Reply[]): string =>
  messages
    .map(
      (m) =>
        replyToPlainText(m) + (m.type === 'choices' ? ` [${m.choices.map((c) => c.label).join(' | ')}]` : ''),
    )
    .join('\n');

function answerOf(status: number, body: unknown, ms: number): WebchatAnswer {
  const b = (body ?? {}) as {
    conversationId?: string;
    token?: string;
    messages?: Reply[];
    error?: { code: string };
  };
  const messages = Array.isArray(b.messages) ? b.messages : [];
  return {
    status,
    conversationId: b.conversationId,
    token: b.token,
    messages,
    text: plain(messages),
    error: b.error,
    ms,
  };
}

/** Posts to the in-process app (supertest). */
export function appWebchat(app: Express): WebchatPost {
  return async (body) => {
    const started = Date.now();
    const res = await request(app).post('/channels/webchat/messages').send(body);
    return answerOf(res.status, res.body, Date.now() - started);
  };
}

/** Posts to a server listening on a port (a spawned process). */
export function httpWebchat(baseUrl: string): WebchatPost {
  return async (body) => {
    const started = Date.now();
    const res = await fetch(`${baseUrl}/channels/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json: unknown = await res.json().catch(() => ({}));
    return answerOf(res.status, json, Date.now() - started);
  };
}

/** The choice whose label matches, as the widget sends it when clicked. */
export function choice(
  answer: WebchatAnswer,
  label: RegExp,
): { text: string; choiceValue: string } | undefined {
  for (const m of answer.messages) {
    if (m.type !== 'choices') continue;
    const c = m.choices.find((x) => label.test(x.label));
    if (c) return { text: c.label, choiceValue: c.value };
  }
  return undefined;
}

export interface OpenConversation {
  conversationId: string;
  token: string;
  last: WebchatAnswer;
}

/**
 * A fly-tipping report (a shared position: only its reverse lookup, which may fail and then names nothing)
 * driven until the assistant asks to confirm.
 * `point` should be far from other tests' reports (duplicate detection looks within a few hundred metres).
 */
export async function reportUpToConfirmation(
  post: WebchatPost,
  point: { lat: number; lon: number },
): Promise<OpenConversation> {
  let last = await post({ text: 'je veux signaler un dépôt sauvage de déchets' });
  if (last.status !== 200 || !last.conversationId || !last.token)
    throw new Error(`report did not start: ${last.status} ${last.text}`);
  const ids = { conversationId: last.conversationId, token: last.token };
  for (let step = 0; step < 12; step++) {
    if (choice(last, /Oui, enregistrer/)) return { ...ids, last };
    const text = last.text;
    let next: WebchatBody;
    const commune = choice(last, /Vernière/);
    const different = choice(last, /autre problème/);
    if (last.messages.some((m) => m.type === 'location_request'))
      next = { text: 'ma position', location: point };
    else if (commune) next = commune;
    else if (different) next = different;
    else if (/Décrivez/.test(text))
      next = { text: 'Des sacs poubelle et un vieux matelas au bord du chemin' };
    else if (/photo/i.test(text)) next = { text: 'non' };
    else next = { text: 'non' };
    last = await post({ ...ids, ...next });
    if (last.status !== 200)
      throw new Error(`report step failed: ${last.status} ${JSON.stringify(last.error)} ${last.text}`);
  }
  throw new Error(`never reached the confirmation; last replies:\n${last.text}`);
}

export const REFERENCE = /DEM-\d{4}-[0-9A-Z]{6}/;

/** Consistency of the shared store: every request has its 'received' event and its outbox row; no half turn. */
export async function storeProblems(sql: SqlClient): Promise<string[]> {
  const problems: string[] = [];
  const noEvent = await sql.query<{ reference: string }>(
    `SELECT reference FROM requests r WHERE NOT EXISTS (SELECT 1 FROM request_events e WHERE e.request_id = r.id AND e.status = 'received')`,
  );
  for (const r of noEvent.rows) problems.push(`request ${r.reference} has no 'received' event`);
  const noOutbox = await sql.query<{ reference: string }>(
    `SELECT reference FROM requests r WHERE r.channel IN ('webchat', 'sms', 'whatsapp', 'voice', 'botframework')
       AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = 'request.created:' || r.reference)`,
  );
  for (const r of noOutbox.rows) problems.push(`request ${r.reference} has no outbox row`);
  // A bot turn writes the citizen's message and the replies together: an inbound message of a bot
  // conversation (it has an intent) directly followed by another inbound one, or last, was half written.
  const half = await sql.query<{ id: string }>(
    `SELECT m.id::text AS id FROM messages m JOIN conversations c ON c.id = m.conversation_id
     WHERE m.direction = 'in' AND m.intent IS NOT NULL AND c.owner = 'bot'
       AND NOT EXISTS (SELECT 1 FROM messages n WHERE n.conversation_id = m.conversation_id AND n.id > m.id AND n.direction = 'out'
                       AND NOT EXISTS (SELECT 1 FROM messages k WHERE k.conversation_id = m.conversation_id AND k.id > m.id AND k.id < n.id AND k.direction = 'in'))`,
  );
  for (const r of half.rows) problems.push(`inbound message ${r.id} has no reply right after it`);
  return problems;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface ServerProcess {
  readonly port: number;
  readonly baseUrl: string;
  readonly child: import('node:child_process').ChildProcess;
  /** Every line the server logged so far (JSON lines). */
  readonly logs: string[];
  /** Resolves with the exit code (or the signal) once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `node dist/server/main.js`, the program `npm start` runs (without its V8 tuning flags), built by global-setup.js; resolved once it listens. */
export async function spawnServer(env: Record<string, string>, port: number): Promise<ServerProcess> {
  const { spawn } = await import('node:child_process');
  const path = await import('node:path');
  const root = path.resolve(__dirname, '../..');
  const child = spawn(process.execPath, ['dist/server/main.js'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      WATCH_TERRITORIES: 'false',
      PORT: String(port),
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  let buffer = '';
  const onData = (data: Buffer): void => {
    buffer += data.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    logs.push(...lines);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 150_000;
  while (!logs.some((l) => l.includes('Guichet is listening'))) {
    if (child.exitCode !== null) throw new Error(`server exited before listening:\n${logs.join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not listening after 150 s:\n${logs.join('\n')}`);
    }
    await sleep(100);
  }
  return { port, baseUrl: `http://127.0.0.1:${port}`, child, logs, exited };
}
