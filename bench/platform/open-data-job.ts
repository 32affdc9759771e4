// The daily open-data job over the platform in its own process, for the bench's phase that measures turns while
// it runs. In production the server runs it (OPEN_DATA_REFRESH_HOURS); the bench's servers have it off, so that
// it does not start a minute after them in the middle of other phases. Its work is the database's (two aggregate
// queries per territory); this process only loads the catalog and walks it, paced as the server paces it.
// Prints "started" once the catalog is loaded, then, when done or on SIGTERM, one JSON line: time and territories.
import { createSharedStore } from '../../adapters/postgres';
import { GeocoderUnavailableError } from '../../bot/ports';
import { createOpenData } from '../../backoffice/open-data';
import { createIntents } from '../../intents';
import { TerritoryProvider } from '../../knowledge/territory';
import { recordedRequestTypes } from '../../server/container';
import { createLogger } from '../../server/logger';

async function main(): Promise<void> {
  const [databaseUrl, territoryDir] = [process.argv[2]!, process.argv[3]!];
  const store = createSharedStore({ databaseUrl, poolSize: 2 });
  const territories = await TerritoryProvider.fromDirectories([territoryDir], { cacheSize: 256 });
  // Only the request types' vocabulary is read: no turn runs here, so no address is ever geocoded.
  const geocoder = {
    geocode: () => Promise.reject(new GeocoderUnavailableError('no geocoder in the open-data job')),
    reverse: () => Promise.reject(new GeocoderUnavailableError('no geocoder in the open-data job')),
  };
  const requestTypes = recordedRequestTypes(createIntents({ territories, geocoder }));
  const { publisher } = createOpenData({
    sql: store.sql,
    territories,
    requestTypes,
    k: 5,
    map: { tileUrl: 'https://tile.example/{z}/{x}/{y}.png', attribution: 'bench' },
    logger: createLogger('warn', (line) => process.stderr.write(`${line}\n`)),
  });
  const stop = new AbortController();
  process.on('SIGTERM', () => stop.abort());
  process.stdout.write('started\n');
  const t0 = performance.now();
  const built = await publisher.refreshAll(stop.signal);
  const ms = Math.round(performance.now() - t0);
  await store.close();
  territories.close();
  process.stdout.write(`${JSON.stringify({ ms, built })}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
