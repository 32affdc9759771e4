// Real-server suites: run when the server answers, otherwise skipped *and recorded*, so
// `npm test` can say which suites it skipped and CI (REQUIRE_SERVICES=1) can fail on any skip.
import { appendFileSync } from 'node:fs';

export type Service = 'redis' | 'postgres';

const available = (service: Service): boolean =>
  process.env[service === 'redis' ? 'GUICHET_REDIS_AVAILABLE' : 'GUICHET_POSTGRES_AVAILABLE'] === '1';

export const redisUrl = (): string => process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const databaseUrl = (): string =>
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function recordSkip(service: Service, name: string): void {
  const file = process.env.GUICHET_SKIP_REPORT;
  if (file) appendFileSync(file, `${service}\t${name}\n`);
}

/** `describe` that needs a real server: skipped (and reported) when the server does not answer. */
export function describeWith(service: Service, name: string, fn: () => void): void {
  if (available(service)) {
    describe(name, fn);
  } else {
    recordSkip(service, name);
    describe.skip(`${name} [skipped: no ${service} server]`, fn);
  }
}

/** A unique, short suffix for keys / schemas, so parallel suites never share data. */
export const uniqueSuffix = (): string =>
  `${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
