// Configuration: dotenv + one zod schema. A bad value stops the start with a message naming the variable.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.url().optional());
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

export const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    PUBLIC_URL: optionalUrl,
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .regex(/^(postgres(ql)?:\/\/|memory:\/\/)/, 'must be a postgres:// URL (or memory:// for an in-memory PGlite)')
        .optional(),
    ),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    REDIS_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional()),
    TERRITORY_DIR: z.string().min(1).default('knowledge/territories'),
    WATCH_TERRITORIES: bool.default(true),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    STATE_TTL_SECONDS: z.coerce.number().int().min(60).default(7 * 24 * 3600),
    NLU_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
    /** National address API (or a self-hosted addok with the same /search/ endpoint). */
    GEOCODER_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().default('https://api-adresse.data.gouv.fr')),
    /** Above this the report is recorded with its address text and flagged for later geocoding. */
    GEOCODER_TIMEOUT_MS: z.coerce.number().int().min(50).max(30000).default(2000),
    WEBCHAT_SECRET: optionalString,
    TWILIO_ACCOUNT_SID: optionalString,
    TWILIO_AUTH_TOKEN: optionalString,
    TWILIO_DEV_SKIP_SIGNATURE: bool.default(false),
    /** Past this delay an SMS/WhatsApp webhook is answered with an empty TwiML and the reply goes by REST (Twilio times out at 15 s). */
    TWILIO_REPLY_DEADLINE_MS: z.coerce.number().int().min(0).max(14_000).default(8000),
    /** Text-to-speech voice of the phone line (a French Amazon Polly or Google voice). */
    TWILIO_VOICE: z.string().regex(/^(Polly|Google)\.[A-Za-z0-9.-]+$/, 'must be a Twilio voice such as Polly.Lea or Google.fr-FR-Neural2-A').default('Polly.Lea'),
    MICROSOFT_APP_ID: optionalString,
    MICROSOFT_APP_PASSWORD: optionalString,
    MICROSOFT_APP_TENANT_ID: optionalString,
    MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    ADMIN_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(24, 'must be at least 24 characters').optional()),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && c.TWILIO_DEV_SKIP_SIGNATURE) {
      ctx.addIssue({
        code: 'custom',
        path: ['TWILIO_DEV_SKIP_SIGNATURE'],
        message: 'cannot be enabled when NODE_ENV=production: Twilio signatures are always verified in production',
      });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
  }
  return parsed.data;
}

export const publicUrlOf = (config: Config): string => (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
