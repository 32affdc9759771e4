// An unauthenticated POST /api/messages is refused with one line in the JSON log (level warn), and nothing
// else on the console: botbuilder's own HTTP wrapper used to print a multi-line stack trace per request.
import express from 'express';
import request from 'supertest';
import type { Engine } from '../../bot/engine';
import type { Logger } from '../../bot/logger';
import { MemoryEventBus, MemoryIdempotencyStore, MemoryStateStore } from '../../adapters/memory';
import { createBotFrameworkChannel, type BotFrameworkChannel } from '../../channels/botframework';
import { jsonErrorHandler } from '../../server/http-errors';

interface Entry {
  level: 'info' | 'warn' | 'error';
  msg: string;
  fields?: Record<string, unknown>;
}

const entries: Entry[] = [];
const logger: Logger = {
  info: (msg, fields) => entries.push({ level: 'info', msg, fields }),
  warn: (msg, fields) => entries.push({ level: 'warn', msg, fields }),
  error: (msg, fields) => entries.push({ level: 'error', msg, fields }),
};

let channel: BotFrameworkChannel;
let app: express.Express;
const bus = new MemoryEventBus();
beforeAll(async () => {
  channel = createBotFrameworkChannel({
    // Never reached: a request without a valid token stops before the engine.
    engine: {} as Engine,
    bus,
    state: new MemoryStateStore(),
    idempotency: new MemoryIdempotencyStore(),
    logger,
    credentials: {
      appId: '11111111-2222-4333-8444-555555555555',
      appPassword: 'app-password',
      appType: 'MultiTenant',
    },
    tenantOfAppId: () => 'val-de-loue',
  });
  await channel.start();
  app = express();
  app.use('/api/messages', channel.router);
  app.use(jsonErrorHandler(logger));
});
afterAll(async () => {
  await channel.close();
  await bus.close();
});

const activity = {
  type: 'message',
  id: 'act-1',
  channelId: 'msteams',
  serviceUrl: 'https://smba.connector.test/emea/',
  timestamp: new Date().toISOString(),
  from: { id: 'user-1' },
  recipient: { id: 'bot' },
  conversation: { id: 'c-1' },
  text: 'bonjour',
};

it.each([
  ['no token', undefined],
  ['a token that is not a JWT', 'Bearer not-a-jwt'],
])(
  'refuses an activity with %s: a JSON 401, one warn line in the log, nothing written to the console',
  async (_name, authorization) => {
    entries.length = 0;
    const consoleWrites: unknown[] = [];
    const spies = (['error', 'warn', 'log', 'info'] as const).map((method) =>
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => consoleWrites.push(args)),
    );
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      consoleWrites.push(chunk);
      return true;
    });
    try {
      const req = request(app).post('/api/messages').send(activity);
      const res = await (authorization ? req.set('Authorization', authorization) : req).expect(401);
      expect(res.body.error).toMatchObject({
        code: 'UNAUTHORIZED',
        message: 'Missing or invalid Bot Framework token',
      });
    } finally {
      for (const spy of spies) spy.mockRestore();
      stderr.mockRestore();
    }
    expect(consoleWrites).toEqual([]);
    const refusals = entries.filter((e) => e.msg.startsWith('bot framework: activity refused'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.level).toBe('warn');
    expect(refusals[0]!.fields).toMatchObject({ channelId: 'msteams' });
    // One line: the reason, without a stack trace.
    expect(String(refusals[0]!.fields?.error)).not.toMatch(/\n|\bat .*\.js:\d+/);
    expect(entries.filter((e) => e.level === 'error')).toEqual([]);
  },
);
