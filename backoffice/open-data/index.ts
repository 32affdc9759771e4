// Open data and transparency: the territory's public page and its daily open-data files, built from the
// shared store's aggregates (see docs/open-data.md). The composition root mounts `router` at / and runs
// `publisher.refreshAll` as a daily job.
import type { RecordedRequestType } from '../../bot/intent-module';
import type { Logger } from '../../bot/logger';
import type { TerritoryProvider } from '../../knowledge/territory';
import type { SqlClient } from '../../adapters/postgres';
import { PostgresOpenDataStore } from '../../adapters/postgres/backoffice/open-data';
import type { MapSettings } from '../console/router';
import { OpenDataPublisher } from './publisher';
import { createOpenDataRouter } from './router';

export { OpenDataPublisher } from './publisher';
export { suppressSmallCounts } from './suppression';

export function createOpenData(options: {
  sql: SqlClient;
  territories: TerritoryProvider;
  requestTypes: readonly RecordedRequestType[];
  k: number;
  map: MapSettings;
  logger: Logger;
  clock?: () => Date;
}) {
  const publisher = new OpenDataPublisher({
    store: new PostgresOpenDataStore(options.sql),
    territories: options.territories,
    requestTypes: options.requestTypes,
    k: options.k,
    logger: options.logger,
    clock: options.clock,
  });
  return {
    publisher,
    router: createOpenDataRouter({ publisher, territories: options.territories, map: options.map }),
  };
}
