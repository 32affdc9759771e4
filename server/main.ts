// `npm start`: reads .env and the environment, builds the container, listens, shuts down gracefully
// (stop accepting, finish the turns in flight, close connections).
import 'dotenv/config';
import type { Server, ServerResponse } from 'node:http';
import { ConfigError, loadConfig, publicUrlOf } from './config';
import { startMetricsServer, type MetricsServer } from '../adapters/metrics';
import { createContainer } from './container';

/** The territories' ids in the start log; a platform's thousands are counted instead. */
function territoriesForLog(summaries: readonly { id: string }[]): Record<string, unknown> {
  return summaries.length <= 20
    ? { territories: summaries.map((t) => t.id) }
    : { territoryCount: summaries.length, territories: summaries.slice(0, 5).map((t) => t.id) };
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const container = await createContainer(config);
  const { logger } = container;
  if (config.TWILIO_DEV_SKIP_SIGNATURE) {
    logger.warn(
      'TWILIO_DEV_SKIP_SIGNATURE is on: Twilio webhook signatures are NOT verified (development only)',
    );
  }
  const server: Server = container.app.listen(config.PORT, config.HOST, () => {
    const address = server.address();
    logger.info('Guichet is listening', {
      url: publicUrlOf(config),
      port: typeof address === 'object' && address ? address.port : config.PORT,
      ...container.describe(),
      ...territoriesForLog(container.territories.current().summaries()),
    });
  });
  // The metrics on their own address (METRICS_BIND): a port taken stops the start, as PORT would.
  let metricsServer: MetricsServer | undefined;
  if (container.metrics && config.METRICS_BIND) {
    metricsServer = await startMetricsServer({
      metrics: container.metrics,
      ...config.METRICS_BIND,
      token: config.METRICS_TOKEN,
      onError: (error) => logger.error('metrics could not be read', { error: String(error) }),
    });
    logger.info('metrics served', {
      url: metricsServer.url,
      scrapersMustAuthenticate: Boolean(config.METRICS_TOKEN),
    });
  }
  server.keepAliveTimeout = 65_000;
  // Slow-client protection: a request must send its headers within 20 s and finish within 60 s.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;

  // Requests being answered: shutdown waits for them (a turn in flight completes and its reply leaves).
  let inFlight = 0;
  let stopping = false;
  const answering = new Set<ServerResponse>();
  server.prependListener('request', (_req, res) => {
    inFlight += 1;
    answering.add(res);
    // While draining, every answer closes its connection: keep-alive clients reconnect elsewhere.
    if (stopping) res.setHeader('Connection', 'close');
    res.once('close', () => {
      inFlight -= 1;
      answering.delete(res);
    });
  });
  /** Live event streams (the agents' console) never finish by themselves: ended at shutdown, the browser reconnects. */
  const endLiveStreams = (): void => {
    for (const res of answering) {
      if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) res.end();
    }
  };

  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal, inFlight });
    const force = setTimeout(() => {
      logger.error('shutdown took too long, exiting', { inFlight });
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    force.unref();
    // 1. Stop accepting: the listening socket closes now, new connections are refused.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // 2. Finish what is in flight; idle keep-alive sockets are closed as soon as they are idle.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    server.closeIdleConnections();
    // A stream opened while we were stopping (its headers were not sent yet) is ended at the next round.
    while (inFlight > 0) {
      endLiveStreams();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    clearInterval(idle);
    // 3. Flush and close: web chat sockets, the bus, timers, the state store and the shared store.
    await container.close().catch((error: unknown) => logger.error('close failed', { error: String(error) }));
    server.closeAllConnections();
    await closed;
    await metricsServer?.close();
    logger.info('bye');
    process.exit(0);
  };
  // A promise nobody awaited failed: log it; one bad request must not take every conversation down.
  process.on('unhandledRejection', (reason: unknown) =>
    logger.error('unhandled rejection', { error: String(reason) }),
  );
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** Past this, shutdown gives up on what is still running (Kubernetes' default grace period is 30 s). */
const SHUTDOWN_TIMEOUT_MS = 25_000;

main().catch((error: unknown) => {
  console.error('Guichet failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
