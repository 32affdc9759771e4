// The retention job over the platform in its own process, as cron runs `npm run retention` beside the server
// (the bench's load generator must not share its event loop). Every generated territory has the demo's
// retention periods (183 / 365 days), so the tenants are listed without loading the 2,000 folders.
// Prints "started", then one JSON line: the time it took and what it did.
import { createSharedStore } from '../../adapters/postgres';
import { runRetention } from '../../server/retention/retention';
import { territoryId } from './territories';

async function main(): Promise<void> {
  const [databaseUrl, count] = [process.argv[2]!, Number(process.argv[3])];
  const store = createSharedStore({ databaseUrl, poolSize: 2 });
  const tenants = Array.from({ length: count }, (_, i) => ({
    tenantId: territoryId(i + 1),
    transcriptsDays: 183,
    contactsDays: 365,
  }));
  process.stdout.write('started\n');
  const t0 = performance.now();
  const reports = await runRetention({ sql: store.sql, tenants, now: new Date() });
  const ms = Math.round(performance.now() - t0);
  await store.close();
  const anonymised = reports.reduce((n, r) => n + r.requestsAnonymised, 0);
  process.stdout.write(`${JSON.stringify({ ms, anonymised })}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
