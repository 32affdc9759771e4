// Configuration: dotenv + one zod schema. A bad value stops the start with a message naming the variable.
import { parseAllowList } from '../adapters/outbox/webhook-address';
import { CONNECT_TIMEOUT_MS, POOL_SIZE } from '../adapters/postgres/pool-bounds';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { DEFAULT_REPLY_DEADLINE_MS } from '../bot/turn-answer';
import { TIME_OF_DAY } from './time-of-day';
import { DEFAULT_FAQ_CACHE_SIZE, DEFAULT_TERRITORY_CACHE_SIZE } from '../knowledge/territory/load';
import { parsePairs } from '../backoffice/auth/claims';
import type { OidcSettings } from '../backoffice/auth/oidc';
import type { Role } from '../backoffice/schemas';

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
        .regex(
          /^(postgres(ql)?:\/\/|memory:\/\/)/,
          'must be a postgres:// URL (or memory:// for an in-memory PGlite)',
        )
        .optional(),
    ),
    DATABASE_POOL_SIZE: z.coerce
      .number()
      .int()
      .min(POOL_SIZE.min)
      .max(POOL_SIZE.max)
      .default(POOL_SIZE.default),
    /** How long a query waits for a pooled connection (or a new one) before it fails (see docs/configuration.md). */
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(CONNECT_TIMEOUT_MS.min)
      .max(CONNECT_TIMEOUT_MS.max)
      .default(CONNECT_TIMEOUT_MS.default),
    /** Turns that record only the transcript do not wait for PostgreSQL's WAL flush (see docs/configuration.md). */
    DATABASE_ASYNC_TRANSCRIPT_COMMIT: bool.default(true),
    REDIS_URL: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .regex(
          /^(rediss?|redis\+sentinel):\/\//,
          'must be a redis://, rediss:// or redis+sentinel://host:port,…/master-name URL',
        )
        .optional(),
    ),
    TERRITORY_DIR: z.string().min(1).default('knowledge/territories'),
    WATCH_TERRITORIES: bool.default(true),
    /** Territories whose content stays parsed; a platform's others stay compressed until used (issue 21). */
    TERRITORY_CACHE_SIZE: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_TERRITORY_CACHE_SIZE),
    /** Territories whose FAQ (the bulk of their content) stays parsed too; the others' is inflated when read. */
    FAQ_CACHE_SIZE: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_FAQ_CACHE_SIZE),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    STATE_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(7 * 24 * 3600),
    NLU_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
    /** National address API (or a self-hosted addok with the same /search/ endpoint). */
    GEOCODER_URL: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.url().default('https://api-adresse.data.gouv.fr'),
    ),
    /** Above this the report is recorded with its address text and flagged for later geocoding. */
    GEOCODER_TIMEOUT_MS: z.coerce.number().int().min(50).max(30000).default(2000),
    /**
     * Calls to the address API per second, across every instance sharing the Redis (the national API allows 50
     * per IP; fixed windows let twice the budget through across an edge); past it a lookup waits for a later
     * second or is treated as the API being down. 0: no budget.
     */
    GEOCODER_MAX_PER_SECOND: z.coerce.number().int().min(0).max(100_000).default(25),
    /** The address API's answers kept in memory for a day (the least recently used go first); 0: none kept. */
    GEOCODER_CACHE_ENTRIES: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
    WEBCHAT_SECRET: optionalString,
    /** E-mail to citizens (receipts of requests filed at the desk, later status notices): smtp(s)://user:pass@host:port. */
    SMTP_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^smtps?$/ }).optional()),
    /** The sender of those e-mails, e.g. "Mairie de Vernière <ne-pas-repondre@verniere.fr>". */
    MAIL_FROM: z.string().min(3).max(200).default('Guichet <ne-pas-repondre@localhost>'),
    TWILIO_ACCOUNT_SID: optionalString,
    TWILIO_AUTH_TOKEN: optionalString,
    TWILIO_DEV_SKIP_SIGNATURE: bool.default(false),
    /** Where the Twilio REST API is reached (default https://api.twilio.com): an outbound relay, or a local fake in tests. */
    TWILIO_API_BASE_URL: optionalUrl,
    /** Past this delay an SMS/WhatsApp webhook is answered with an empty TwiML and the reply goes by REST (Twilio times out at 15 s). */
    TWILIO_REPLY_DEADLINE_MS: z.coerce.number().int().min(0).max(14_000).default(DEFAULT_REPLY_DEADLINE_MS),
    /** Text-to-speech voice of the phone line (a French Amazon Polly or Google voice). */
    TWILIO_VOICE: z
      .string()
      .regex(
        /^(Polly|Google)\.[A-Za-z0-9.-]+$/,
        'must be a Twilio voice such as Polly.Lea or Google.fr-FR-Neural2-A',
      )
      .default('Polly.Lea'),
    MICROSOFT_APP_ID: optionalString,
    MICROSOFT_APP_PASSWORD: optionalString,
    MICROSOFT_APP_TENANT_ID: optionalString,
    MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    /** Without MICROSOFT_APP_ID, accept unauthenticated activities (Bot Framework Emulator; development only). */
    BOTFRAMEWORK_ALLOW_ANONYMOUS: bool.default(false),
    ADMIN_TOKEN: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.string().min(24, 'must be at least 24 characters').optional(),
    ),
    /**
     * host:port where this instance serves its Prometheus metrics (GET /metrics), apart from PORT; unset: none.
     * Each instance gets its own (the scraper must reach every instance, not the load balancer).
     */
    METRICS_BIND: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .regex(
          /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/,
          'must be host:port, such as 127.0.0.1:9464 or [::1]:9464',
        )
        .transform((v) => {
          const at = v.lastIndexOf(':');
          return { host: v.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(v.slice(at + 1)) };
        })
        .refine((b) => b.port <= 65535, 'the port must be 0 to 65535')
        .optional(),
    ),
    /** Bearer token the metrics scraper must send (recommended when METRICS_BIND is not loopback). */
    METRICS_TOKEN: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.string().min(24, 'must be at least 24 characters').optional(),
    ),
    /** Deliver the outbox (notifications, webhooks, agents' live queue) from this instance; several instances share the work. */
    OUTBOX_RELAY: bool.default(true),
    OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(10),
    /** First retry delay of a failed delivery, doubled at each attempt (capped at one hour). */
    OUTBOX_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(2000),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** Map tiles on a request's page in the console ({z}/{x}/{y}); the console's CSP allows this origin only. */
    MAP_TILE_URL: z
      .string()
      .regex(/^https?:\/\/[^/]+\/.*\{z\}.*\{x\}.*\{y\}/, 'must be an http(s) URL with {z}, {x} and {y}')
      .default('https://tile.openstreetmap.org/{z}/{x}/{y}.png'),
    MAP_TILE_ATTRIBUTION: z.string().min(1).max(300).default('© les contributeurs d’OpenStreetMap'),
    /** Where citizens' photos are kept: in PostgreSQL (default) or an S3-compatible bucket (S3_*). */
    MEDIA_STORE: z.enum(['postgres', 's3']).default('postgres'),
    /** Largest photo a citizen may send (web chat upload, MMS/WhatsApp media), in bytes. */
    MEDIA_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .max(25 * 1024 * 1024)
      .default(8 * 1024 * 1024),
    /** Past this an MMS/WhatsApp photo is given up (the citizen is told to send it again). */
    MEDIA_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(14_000).default(5000),
    S3_ENDPOINT: optionalUrl,
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_BUCKET: optionalString,
    S3_ACCESS_KEY_ID: optionalString,
    S3_SECRET_ACCESS_KEY: optionalString,
    /** Prepended to every object key, so one bucket can serve several deployments. */
    S3_PREFIX: z.string().max(200).default(''),
    /** Private receivers webhooks may reach (host names and CIDR ranges, comma-separated); none by default. */
    WEBHOOK_ALLOWED_HOSTS: z
      .string()
      .optional()
      .refine(
        (v) => {
          try {
            parseAllowList(v);
            return true;
          } catch {
            return false;
          }
        },
        {
          message: 'must be host names and CIDR ranges separated by commas (crm.mairie.local, 10.20.0.0/16)',
        },
      ),
    /** Optional language model (off by default; each territory must also opt in with `llm.enabled`). */
    LLM_PROVIDER: z.enum(['none', 'openai-compatible', 'mistral', 'ollama']).default('none'),
    LLM_BASE_URL: optionalUrl,
    LLM_API_KEY: optionalString,
    LLM_MODEL: optionalString,
    /** Past this the citizen gets the answer given without a model (all model calls of a turn included); below the 15 s conversation lock. */
    LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(12_000).default(8000),
    LLM_MAX_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
    LLM_MAX_TOKENS_PER_DAY: z.coerce.number().int().min(1).default(200_000),
    /** Rate limits (server/security, SECURITY.md). Turn off only for load tests. */
    RATE_LIMITS_ENABLED: bool.default(true),
    RATE_LIMIT_SENDER_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
    RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300),
    /** Per IP on the provider webhooks (Twilio, Bot Framework), whose few addresses carry every citizen. */
    RATE_LIMIT_WEBHOOK_IP_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(6000),
    /** Comma-separated client IPs never limited per IP (still per sender). Default: loopback. */
    RATE_LIMIT_EXEMPT_IPS: z
      .string()
      .default('127.0.0.1,::1,::ffff:127.0.0.1')
      .transform((v) =>
        v
          .split(',')
          .map((ip) => ip.trim())
          .filter(Boolean),
      ),
    /** Minutes between two runs of the retention job inside the server; 0 leaves it to `npm run retention` (cron). */
    RETENTION_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
    /** The public page /territoire/{id}/ and the open-data files /open-data/{id}/… (no sign-in); false: not served. */
    OPEN_DATA_ENABLED: bool.default(true),
    /** Statistical secrecy: published counts below this are hidden (with complementary suppression). */
    OPEN_DATA_K_ANONYMITY: z.coerce.number().int().min(2).max(100).default(5),
    /** Hours between two builds of the open-data snapshots inside the server; 0: built on the first request of a day. */
    OPEN_DATA_REFRESH_HOURS: z.coerce.number().int().min(0).max(168).default(24),
    /**
     * "HH:MM": the open-data snapshots are built every day at that time on OPEN_DATA_REFRESH_TIME_ZONE's clock (a
     * quiet hour: on a platform the walk over every territory slows the citizens' turns while it runs), instead of
     * a minute after each start and every OPEN_DATA_REFRESH_HOURS.
     */
    OPEN_DATA_REFRESH_AT: z
      .string()
      .regex(TIME_OF_DAY, 'must be a time of day, HH:MM (00:00 to 23:59)')
      .optional(),
    OPEN_DATA_REFRESH_TIME_ZONE: z
      .string()
      .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone, such as Europe/Paris')
      .default('Europe/Paris'),
    /** Minutes between two tries to locate the reports recorded while the address API was down; 0: never. */
    GEOCODING_RETRY_MINUTES: z.coerce.number().int().min(0).max(1_440).default(5),
    /** Agents' console sessions: ended after this much inactivity, and in any case after SESSION_ABSOLUTE_HOURS. */
    SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(1_440).default(30),
    SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(168).default(10),
    /** OpenID Connect sign-in for agents (ProConnect, Keycloak, LemonLDAP::NG, Entra ID); unset: no provider. */
    OIDC_ISSUER: optionalUrl,
    OIDC_CLIENT_ID: optionalString,
    OIDC_CLIENT_SECRET: optionalString,
    OIDC_SCOPES: z.string().min(1).default('openid email profile'),
    /** Shown on the console's button: "Se connecter avec …". */
    OIDC_PROVIDER_NAME: z.string().min(1).default('le compte de votre collectivité'),
    /** Dotted path of the claim with roles or groups, e.g. realm_access.roles (Keycloak), roles (Entra ID). */
    OIDC_ROLE_CLAIM: z.string().min(1).default('groups'),
    /** Claim value=role pairs, comma-separated: guichet-agents=agent,guichet-chefs=supervisor,guichet-admins=admin. */
    OIDC_ROLE_MAP: z.string().default(''),
    OIDC_DEFAULT_ROLE: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.enum(['agent', 'supervisor', 'admin']).optional(),
    ),
    OIDC_TENANT_CLAIM: optionalString,
    /** Claim value=tenant pairs (e.g. a SIRET to a territory id); empty: the claim value is the tenant id. */
    OIDC_TENANT_MAP: z.string().default(''),
    OIDC_DEFAULT_TENANT: optionalString,
    OIDC_AUTHORITY_CLAIM: optionalString,
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && c.TWILIO_DEV_SKIP_SIGNATURE) {
      ctx.addIssue({
        code: 'custom',
        path: ['TWILIO_DEV_SKIP_SIGNATURE'],
        message:
          'cannot be enabled when NODE_ENV=production: Twilio signatures are always verified in production',
      });
    }
    if (c.NODE_ENV === 'production' && c.BOTFRAMEWORK_ALLOW_ANONYMOUS) {
      ctx.addIssue({
        code: 'custom',
        path: ['BOTFRAMEWORK_ALLOW_ANONYMOUS'],
        message:
          'cannot be enabled when NODE_ENV=production: Bot Framework activities are always authenticated in production',
      });
    }
    const llmMissing = (name: 'LLM_BASE_URL' | 'LLM_API_KEY' | 'LLM_MODEL'): void =>
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `is required when LLM_PROVIDER=${c.LLM_PROVIDER}`,
      });
    if (c.LLM_PROVIDER === 'openai-compatible' && !c.LLM_BASE_URL) llmMissing('LLM_BASE_URL');
    if ((c.LLM_PROVIDER === 'openai-compatible' || c.LLM_PROVIDER === 'ollama') && !c.LLM_MODEL)
      llmMissing('LLM_MODEL');
    if (c.LLM_PROVIDER === 'mistral' && !c.LLM_API_KEY) llmMissing('LLM_API_KEY');
    if (c.MEDIA_STORE === 's3')
      for (const name of ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const)
        if (!c[name])
          ctx.addIssue({ code: 'custom', path: [name], message: 'is required when MEDIA_STORE=s3' });
    oidcProblems(c).forEach(([path, message]) => ctx.addIssue({ code: 'custom', path: [path], message }));
  });

/** What makes an OpenID Connect setup unusable (nobody could sign in, or anyone could). */
function oidcProblems(c: {
  OIDC_ISSUER?: string;
  OIDC_CLIENT_ID?: string;
  PUBLIC_URL?: string;
  OIDC_ROLE_MAP: string;
  OIDC_DEFAULT_ROLE?: string;
  OIDC_TENANT_MAP: string;
  OIDC_TENANT_CLAIM?: string;
  OIDC_DEFAULT_TENANT?: string;
}): [string, string][] {
  if (!c.OIDC_ISSUER) return [];
  const problems: [string, string][] = [];
  if (!c.OIDC_CLIENT_ID) problems.push(['OIDC_CLIENT_ID', 'is required when OIDC_ISSUER is set']);
  if (!c.PUBLIC_URL)
    problems.push([
      'PUBLIC_URL',
      'is required when OIDC_ISSUER is set (the redirect URL is PUBLIC_URL/auth/oidc/callback)',
    ]);
  for (const name of ['OIDC_ROLE_MAP', 'OIDC_TENANT_MAP'] as const) {
    try {
      const pairs = parsePairs(c[name]);
      const bad = Object.values(pairs).find(
        (role) => name === 'OIDC_ROLE_MAP' && !['agent', 'supervisor', 'admin'].includes(role),
      );
      if (bad) problems.push([name, `"${bad}" is not a role (agent, supervisor, admin)`]);
    } catch (error) {
      problems.push([name, (error as Error).message]);
    }
  }
  if (!c.OIDC_ROLE_MAP.trim() && !c.OIDC_DEFAULT_ROLE)
    problems.push(['OIDC_ROLE_MAP', 'is required (or OIDC_DEFAULT_ROLE) when OIDC_ISSUER is set']);
  if (!c.OIDC_TENANT_CLAIM && !c.OIDC_DEFAULT_TENANT)
    problems.push(['OIDC_TENANT_CLAIM', 'is required (or OIDC_DEFAULT_TENANT) when OIDC_ISSUER is set']);
  return problems;
}

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
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`),
    );
  }
  return parsed.data;
}

export const publicUrlOf = (config: Config): string =>
  (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');

/** The OpenID Connect sign-in settings, or undefined when no provider is configured. */
export function oidcSettings(config: Config): Omit<OidcSettings, 'publicUrl'> | undefined {
  if (!config.OIDC_ISSUER || !config.OIDC_CLIENT_ID) return undefined;
  return {
    issuer: config.OIDC_ISSUER,
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET,
    scopes: config.OIDC_SCOPES,
    providerName: config.OIDC_PROVIDER_NAME,
    roleClaim: config.OIDC_ROLE_CLAIM,
    roleMap: parsePairs(config.OIDC_ROLE_MAP) as Record<string, Role>,
    defaultRole: config.OIDC_DEFAULT_ROLE,
    tenantClaim: config.OIDC_TENANT_CLAIM,
    tenantMap: parsePairs(config.OIDC_TENANT_MAP),
    defaultTenant: config.OIDC_DEFAULT_TENANT,
    authorityClaim: config.OIDC_AUTHORITY_CLAIM,
  };
}
