// An instance's metrics in Prometheus' text format (prom-client): the citizens' turns (how many, how they
// ended, how long each stage took), the territories kept parsed on a platform, the database connection pools,
// and Node's own process figures. Each instance of a deployment is scraped on its own address (METRICS_BIND):
// behind the load balancer a scrape would reach any one of them.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { withDeadline } from '../../bot/deadline';
import { TURN_STAGES, type TurnObservation, type TurnObserver } from '../../bot/ports';

/** What the metrics read when scraped (nothing is counted on the turns' path for them). */
export interface MetricsSources {
  territories?: () => {
    territories: number;
    parsed: number;
    inflations: number;
    faqsParsed: number;
    faqInflations: number;
  };
  connections?: () => { pool: string; total: number; idle: number; waiting: number }[];
  outbox?: () => Promise<{ pending: number; overdueSeconds: number }>;
  /** The address API's lookups so far: answered from memory, sent, refused past the budget. */
  geocoder?: () => { cached: number; sent: number; overBudget: number };
}

/** Up to Twilio's 15 s webhook deadline: a turn past it is answered by REST instead (TWILIO_REPLY_DEADLINE_MS). */
const TURN_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];
const STAGE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Past this the outbox's gauges are NaN for the scrape (Prometheus' default scrape timeout is 10 s). */
const OUTBOX_READ_MS = 2000;

export class PrometheusMetrics implements TurnObserver {
  readonly registry = new Registry();
  private readonly turns: Counter<'channel' | 'outcome'>;
  private readonly errors: Counter<'channel' | 'code'>;
  private readonly turnSeconds: Histogram<'channel'>;
  private readonly stageSeconds: Histogram<'stage'>;

  constructor(sources: MetricsSources = {}, options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.turns = new Counter({
      name: 'guichet_turns_total',
      help: "Citizens' messages handled by the dialogue engine, by channel and outcome (answered, replayed: a provider's retry given the stored answer, forwarded: to the agent who owns the conversation, failed).",
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.errors = new Counter({
      name: 'guichet_turn_errors_total',
      help: 'Turns that failed, by channel and error code (DEPENDENCY_UNAVAILABLE: Redis or PostgreSQL down, the citizen got the degraded answer; LOCK_TIMEOUT: the previous message of the conversation took too long).',
      labelNames: ['channel', 'code'],
      registers,
    });
    this.turnSeconds = new Histogram({
      name: 'guichet_turn_duration_seconds',
      help: "A turn's time in the engine, from its message to its answer, by channel.",
      labelNames: ['channel'],
      buckets: TURN_BUCKETS,
      registers,
    });
    this.stageSeconds = new Histogram({
      name: 'guichet_turn_stage_duration_seconds',
      help: `Each stage of a turn: ${TURN_STAGES.join(', ')} (docs/operations.md says what each covers).`,
      labelNames: ['stage'],
      buckets: STAGE_BUCKETS,
      registers,
    });

    const { territories, connections, outbox, geocoder } = sources;
    if (outbox) {
      // Read once per scrape for both gauges; a database that fails or does not answer within OUTBOX_READ_MS
      // shows NaN, not a failed or stalled scrape (the turns' error counters matter most exactly then).
      let reading: Promise<{ pending: number; overdueSeconds: number } | undefined> | undefined;
      const read = () =>
        (reading ??= withDeadline(
          outbox(),
          OUTBOX_READ_MS,
          () => new Error(`no answer within ${OUTBOX_READ_MS} ms`),
        )
          .catch(() => undefined)
          .finally(() => setImmediate(() => (reading = undefined))));
      new Gauge({
        name: 'guichet_outbox_pending',
        help: 'Deliveries waiting in the outbox (SMS notifications, webhooks, the agents’ live queue), retries included.',
        registers,
        async collect() {
          this.set((await read())?.pending ?? NaN);
        },
      });
      new Gauge({
        name: 'guichet_outbox_overdue_seconds',
        help: 'How late the most overdue outbox delivery is (0 when none is due): growing, the relay is stopped or a receiver is failing.',
        registers,
        async collect() {
          this.set((await read())?.overdueSeconds ?? NaN);
        },
      });
    }
    if (territories) {
      new Gauge({
        name: 'guichet_territories',
        help: 'Territories (tenants) served by this instance.',
        registers,
        collect() {
          this.set(territories().territories);
        },
      });
      new Gauge({
        name: 'guichet_territories_parsed',
        help: 'Territories whose content stays parsed in memory (at most TERRITORY_CACHE_SIZE).',
        registers,
        collect() {
          this.set(territories().parsed);
        },
      });
      new Counter({
        name: 'guichet_territory_inflations_total',
        help: 'Times a territory was parsed again after it had left the cache of parsed ones: rising steadily, TERRITORY_CACHE_SIZE is too small for the territories in use.',
        registers,
        collect() {
          // A count kept by the catalog: the counter shows it as it is.
          this.reset();
          this.inc(territories().inflations);
        },
      });
      new Gauge({
        name: 'guichet_territory_faqs_parsed',
        help: 'Territories whose FAQ stays parsed in memory too (at most FAQ_CACHE_SIZE).',
        registers,
        collect() {
          this.set(territories().faqsParsed);
        },
      });
      new Counter({
        name: 'guichet_territory_faq_inflations_total',
        help: "Times a territory's FAQ was parsed again for a question after it had left the cache of parsed ones: rising steadily, FAQ_CACHE_SIZE is too small.",
        registers,
        collect() {
          this.reset();
          this.inc(territories().faqInflations);
        },
      });
    }
    if (connections) {
      const gauge = (name: string, help: string, field: 'total' | 'idle' | 'waiting') =>
        new Gauge({
          name,
          help,
          labelNames: ['pool'],
          registers,
          collect() {
            this.reset();
            for (const pool of connections()) this.set({ pool: pool.pool }, pool[field]);
          },
        });
      gauge(
        'guichet_db_pool_connections',
        'Open connections to PostgreSQL, by pool (main; async-commit: the transcript-only turns).',
        'total',
      );
      gauge(
        'guichet_db_pool_idle_connections',
        'Open connections to PostgreSQL not in use, by pool.',
        'idle',
      );
      gauge(
        'guichet_db_pool_waiting_queries',
        'Queries waiting for a free connection, by pool: above zero for long, the pool (DATABASE_POOL_SIZE) or the database is the bottleneck.',
        'waiting',
      );
    }
    if (geocoder) {
      new Counter({
        name: 'guichet_geocoder_lookups_total',
        help: 'Address lookups (a report’s address, the web chat’s pin, an Open311 report’s address or position) by how they were answered: cache (an answer kept, no call), api (a call sent), over_budget (refused past GEOCODER_MAX_PER_SECOND: the report is located later). over_budget rising: the budget or the API’s limit is too small for the platform.',
        labelNames: ['answer'],
        registers,
        collect() {
          // Counts kept by the geocoder: the counter shows them as they are.
          const seen = geocoder();
          this.reset();
          this.inc({ answer: 'cache' }, seen.cached);
          this.inc({ answer: 'api' }, seen.sent);
          this.inc({ answer: 'over_budget' }, seen.overBudget);
        },
      });
    }
    // CPU, memory, event loop delay, garbage collections, open handles: prom-client's standard process metrics.
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  turnEnded(observation: TurnObservation): void {
    const { channel, outcome } = observation;
    this.turns.inc({ channel, outcome });
    if (outcome === 'failed') this.errors.inc({ channel, code: observation.errorCode ?? 'INTERNAL' });
    this.turnSeconds.observe({ channel }, observation.seconds);
    for (const stage of TURN_STAGES) {
      const seconds = observation.stages[stage];
      if (seconds !== undefined) this.stageSeconds.observe({ stage }, seconds);
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text of every metric, as read now. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
