// A small closed-loop / fixed-rate HTTP load generator over keep-alive sockets. Same generator for the
// bare route and for Guichet, so the ratio between them holds on a noisy machine.
import http from 'node:http';

export interface HttpCall {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LatencyStats {
  count: number;
  errors: number;
  durationS: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function createClient(port: number, sockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  return (call: HttpCall): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: call.path,
          agent,
          headers: { ...call.headers, 'content-length': Buffer.byteLength(call.body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(call.body);
    });
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export function summarize(latencies: number[], errors: number, durationS: number): LatencyStats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 100) / 100;
  return {
    count: latencies.length,
    errors,
    durationS: r(durationS),
    perSecond: r(latencies.length / durationS),
    p50: r(percentile(sorted, 50)),
    p95: r(percentile(sorted, 95)),
    p99: r(percentile(sorted, 99)),
    max: r(sorted[sorted.length - 1] ?? 0),
  };
}

/**
 * Closed loop: `concurrency` virtual users, each running `next()` turns back to back until `durationS`.
 * `next(user)` returns the call for that user's next turn, and `check` says if the answer is right.
 */
export async function closedLoop(
  send: (call: HttpCall) => Promise<{ status: number; body: string }>,
  concurrency: number,
  durationS: number,
  next: (user: number) => HttpCall,
  check: (user: number, res: { status: number; body: string }) => boolean,
): Promise<LatencyStats> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + durationS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, user) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const res = await send(next(user));
          if (check(user, res)) latencies.push(performance.now() - t0);
          else errors += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return summarize(latencies, errors, (performance.now() - start) / 1000);
}

/** Fixed rate (open loop): `rate` turns per second for `durationS`, latency measured from the scheduled time. */
export async function fixedRate(
  send: (call: HttpCall) => Promise<{ status: number; body: string }>,
  rate: number,
  durationS: number,
  next: (i: number) => HttpCall,
  check: (i: number, res: { status: number; body: string }) => boolean,
  /** Also gets each latency, to pool several short phases (the platform bench's interleaved comparison). */
  sink?: number[],
  /** Each call's latency with its index (after `check` accepted it). */
  onLatency?: (i: number, ms: number) => void,
): Promise<LatencyStats> {
  const latencies: number[] = [];
  let errors = 0;
  const total = Math.round(rate * durationS);
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      send(next(i)).then(
        (res) => {
          if (check(i, res)) {
            const latency = performance.now() - due;
            latencies.push(latency);
            sink?.push(latency);
            onLatency?.(i, latency);
          } else errors += 1;
        },
        () => {
          errors += 1;
        },
      ),
    );
  }
  await Promise.all(inflight);
  return summarize(latencies, errors, (performance.now() - start) / 1000);
}

/** Exactly `total` calls, `concurrency` at a time (used to open many conversations). */
export async function countLoop(
  send: (call: HttpCall) => Promise<{ status: number; body: string }>,
  concurrency: number,
  total: number,
  next: (i: number) => HttpCall,
  check: (i: number, res: { status: number; body: string }) => boolean,
): Promise<LatencyStats> {
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < total) {
        const i = issued++;
        const t0 = performance.now();
        try {
          if (check(i, await send(next(i)))) latencies.push(performance.now() - t0);
          else errors += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return summarize(latencies, errors, (performance.now() - start) / 1000);
}

/**
 * An even port for a server the bench starts, its next one free for that server's metrics. Below Linux's ephemeral
 * range (32768–60999): a port chosen in it may be the source port of one of the bench's own connections (one
 * run's server was never reached, 2026-12-07).
 */
export const serverPort = (): number => 20000 + 2 * Math.floor(Math.random() * 6000);
