// `npm run chat -- [--channel webchat|sms|voice] [--tenant ID] [--locale fr|en]`: talk to the bot in a
// terminal with the same engine as the server, embedded (in-memory store and state, nothing sent anywhere),
// and see the replies as the chosen medium renders them.
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { silentLogger } from '../../bot/logger';
import { loadConfig } from '../../server/config';
import { createContainer } from '../../server/container';
import { runChat } from './chat';
import { PREVIEW_CHANNELS } from './preview';

const USAGE = `Usage: npm run chat -- [--channel webchat|sms|voice] [--tenant ID] [--locale fr|en]
  --channel  how replies are shown: webchat (buttons as [1]), sms (real SMS bodies and segments), voice (what is said)
  --tenant   territory id or web chat key (default: the first territory)
  --locale   force the language of every message (default: detected)
Type your messages; on the web chat, a number clicks that button. Ctrl-D (end of input) quits.`;

const ArgsSchema = z.object({
  channel: z.enum(PREVIEW_CHANNELS).default('webchat'),
  tenant: z.string().min(1).optional(),
  locale: z.enum(['fr', 'en']).optional(),
  help: z.boolean().optional(),
});

async function main(): Promise<number> {
  let args: z.infer<typeof ArgsSchema>;
  try {
    const { values } = parseArgs({
      options: {
        channel: { type: 'string' },
        tenant: { type: 'string' },
        locale: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    args = ArgsSchema.parse(values);
  } catch (error) {
    const message =
      error instanceof z.ZodError
        ? error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')
        : String((error as Error).message);
    process.stderr.write(`${message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  // Embedded and side-effect free: no Redis, no database, no SMS sent, no background jobs.
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    REDIS_URL: '',
    DATABASE_URL: '',
    TWILIO_ACCOUNT_SID: '',
    TWILIO_AUTH_TOKEN: '',
    OUTBOX_RELAY: 'false',
    RETENTION_INTERVAL_MINUTES: '0',
    WATCH_TERRITORIES: 'false',
    WEBCHAT_SECRET: randomBytes(24).toString('base64url'),
  });
  const container = await createContainer(config, { logger: silentLogger, ephemeralStore: true });
  try {
    const catalog = container.territories.current();
    const territory = args.tenant
      ? (catalog.get(args.tenant) ?? catalog.byWebchatKey(args.tenant))
      : catalog.default();
    if (!territory) {
      process.stderr.write(
        `Unknown territory "${args.tenant}". Known: ${catalog
          .list()
          .map((t) => t.id)
          .join(', ')}\n`,
      );
      return 2;
    }
    const interactive = Boolean(process.stdin.isTTY);
    if (interactive) {
      process.stdout.write(
        `Guichet — ${territory.name} — aperçu ${args.channel}${args.locale ? ` (${args.locale})` : ''}. Ctrl-D pour quitter.\n`,
      );
    }
    await runChat({
      engine: container.engine,
      tenantId: territory.id,
      channel: args.channel,
      locale: args.locale,
      preview: { sms: territory.sms, notice: territory.notice.shortText },
      phone: { territory },
      input: process.stdin,
      output: process.stdout,
      interactive,
    });
    return 0;
  } finally {
    await container.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chat failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
