// GET /metrics on an address of its own (METRICS_BIND), apart from the citizens' and agents' port: the
// scraper reaches each instance directly (the load balancer would send it to any one), and the metrics are
// never served to the internet by the public listener. A bearer token (METRICS_TOKEN) may be required too.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sameSecret } from '../../bot/constant-time';
import type { PrometheusMetrics } from './prometheus-metrics';

export interface MetricsServer {
  /** Where it listens (the port the system chose when METRICS_BIND asked for port 0). */
  readonly url: string;
  close(): Promise<void>;
}

export function startMetricsServer(options: {
  metrics: PrometheusMetrics;
  host: string;
  port: number;
  token?: string;
  onError?: (error: unknown) => void;
}): Promise<MetricsServer> {
  const expected = options.token ? `Bearer ${options.token}` : undefined;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: GET /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end();
      return;
    }
    // The project's one comparison of secrets (constant time), as for every other token.
    if (expected && !sameSecret(req.headers.authorization ?? '', expected)) {
      res
        .writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'text/plain; charset=utf-8' })
        .end('A bearer token is required (METRICS_TOKEN)\n');
      return;
    }
    options.metrics.text().then(
      (text) => {
        res.writeHead(200, { 'content-type': options.metrics.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        options.onError?.(error);
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics unavailable\n');
      },
    );
  });
  // Scrapes are short: a stalled client never holds a socket for long.
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const { address, port } = server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      resolve({
        url: `http://${host}:${port}/metrics`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
