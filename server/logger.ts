// JSON lines logger. Personal data (phone numbers, emails) and secrets are redacted before writing:
// logs leave the territory's control more easily than the database does.
import type { Logger } from '../bot/logger';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

const PHONE = /(?:(?:\+|00)\d{1,3}[\s.-]?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b|\+\d{8,15}\b/g;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const SECRET_KEYS = /token|secret|password|authorization|signature|api[_-]?key|cookie|credential/i;
/** Fields that carry what a citizen typed or who they are (form slots, names, free text, street addresses). */
const PERSONAL_KEYS =
  /^(slots|text|body|(first|last|full|given|family|display|profile|user|child|parent)?_?name|address(_?text)?|street)$/i;
/** Secrets that travel inside strings: `?token=…` in a URL, `Bearer …` in a header copied into a message. */
const QUERY_SECRET = /([?&](?:[\w-]*token|key|secret|signature|password|code)=)[^&#\s]+/gi;
const BEARER = /\b(Bearer|Basic)\s+[\w.~+/=-]+/g;

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    return value
      .replace(QUERY_SECRET, '$1[redacted]')
      .replace(BEARER, '$1 [redacted]')
      .replace(EMAIL, '[email]')
      .replace(PHONE, '[phone]');
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '[nested]'; // never written unredacted
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      SECRET_KEYS.test(k)
        ? '[redacted]'
        : PERSONAL_KEYS.test(k) && v !== null && v !== undefined && v !== ''
          ? '[personal]'
          : redact(v, depth + 1),
    ]),
  );
}

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Logger {
  const threshold = LEVELS[level];
  const log = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[lvl] < threshold) return;
    write(
      JSON.stringify({
        time: new Date().toISOString(),
        level: lvl,
        msg: redact(msg),
        ...(redact(fields ?? {}) as object),
      }),
    );
  };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}
