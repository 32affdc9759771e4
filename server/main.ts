// `npm start`: reads .env and the environment, builds the container, listens, shuts down gracefully
// (stop accepting, finish the turns in flight, close connections).
import 'dotenv/config';
import type { Server } from 'node:http';
import { ConfigError, loadConfig, publicUrlOf } from './config';
import { createContainer } from './container';

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
    logger.warn('TWILIO_DEV_SKIP_SIGNATURE is on: Twilio webhook signatures are NOT verified (development only)');
  }
  const server: Server = container.app.listen(config.PORT, config.HOST, () => {
    logger.info('Guichet is listening', {
      url: publicUrlOf(config),
      port: config.PORT,
      ...container.describe(),
      territories: container.territories.current().list().map((t) => t.id),
    });
  });
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    server.close(async () => {
      await container.close();
      logger.info('bye');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('Guichet failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
