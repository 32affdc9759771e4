// The platform generator (bench/platform/) at a small scale: every generated territory passes the territory
// schema, each of its Twilio numbers, widget keys and bot app id resolves to it and to no other, the server
// starts on the generated folders and answers an SMS sent to a generated number with that territory's own
// content, and the store generator writes the requests and their timeline for every territory.
// The 2,000-territory, 5-million-request run is `npm run bench -- --platform` (BENCHMARKS.md, "Platform").
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSharedStore } from '../../adapters/postgres';
import { writeFileSync } from 'node:fs';
import {
  loadTerritories,
  TerritoryError,
  TerritoryProvider,
  TerritorySchema,
  type Territory,
} from '../../knowledge/territory';
import {
  botAppIdOf,
  PLATFORM_SIZES,
  territoryId,
  twilioNumberOf,
  webchatKeyOf,
  writePlatformTerritories,
} from '../../bench/platform/territories';
import { generatePlatformRequests } from '../../bench/platform/requests';
import { createTestContainer } from '../support/harness';
import { TWILIO_ENV, messagesOf, postSigned, smsParams } from '../channels/twilio-helpers';

jest.setTimeout(120_000);

const N = 5;
let dir: string;
beforeAll(() => {
  dir = writePlatformTerritories(
    path.join(mkdtempSync(path.join(tmpdir(), 'platform-test-')), 'territories'),
    N,
  );
});
afterAll(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

describe('platform territories', () => {
  it('writes N folders that each pass the territory schema, with the platform proportions', () => {
    const folders = readdirSync(dir).filter((f) => !f.startsWith('.'));
    expect(folders).toEqual(Array.from({ length: N }, (_, i) => territoryId(i + 1)));
    let communes = 0;
    for (const folder of folders) {
      const raw = readJson(path.join(dir, folder, 'territory.json')) as Record<string, unknown>;
      const parsed = TerritorySchema.safeParse({ ...raw, faq: readJson(path.join(dir, folder, 'faq.json')) });
      if (!parsed.success) throw new Error(`${folder}: ${JSON.stringify(parsed.error.issues.slice(0, 3))}`);
      const t = parsed.data;
      communes += t.communes.length;
      expect(t.facilities).toHaveLength(PLATFORM_SIZES.facilities / PLATFORM_SIZES.territories);
      expect(t.faq).toHaveLength(PLATFORM_SIZES.faq / PLATFORM_SIZES.territories);
      expect(t.channels.twilioNumbers).toHaveLength(10);
      expect(t.channels.webchatKeys).toHaveLength(10);
      // Facilities name their commune by INSEE code, as the DILA importer does; the schema resolves it.
      const ids = new Set(t.communes.map((c) => c.id));
      expect(t.facilities.every((f) => ids.has(f.communeId))).toBe(true);
    }
    expect(communes).toBe(Math.round((PLATFORM_SIZES.communes * N) / PLATFORM_SIZES.territories));
  });

  it('gives opening hours of several DILA shapes, with lunch breaks and Saturdays', async () => {
    const catalog = await loadTerritories(dir);
    const values = new Set(catalog.list().flatMap((t) => t.facilities.map((f) => f.openingHours)));
    expect(values.size).toBeGreaterThan(10);
    expect([...values].some((v) => /\d\d:\d\d-12:\d\d,1\d:\d\d-/.test(v))).toBe(true);
    expect([...values].some((v) => /\bSa\b/.test(v))).toBe(true);
  });

  it('resolves every number, widget key and app id to its own territory', async () => {
    const catalog = await loadTerritories(dir);
    for (let i = 1; i <= N; i++) {
      for (let k = 0; k < 10; k++) {
        expect(catalog.byTwilioNumber(twilioNumberOf(i, k))?.id).toBe(territoryId(i));
        expect(catalog.byTwilioNumber(`whatsapp:${twilioNumberOf(i, k)}`)?.id).toBe(territoryId(i));
        expect(catalog.byWebchatKey(webchatKeyOf(i, k))?.id).toBe(territoryId(i));
      }
      expect(catalog.byBotAppId(botAppIdOf(i))?.id).toBe(territoryId(i));
    }
    expect(catalog.byTwilioNumber(twilioNumberOf(N + 1, 0))).toBeUndefined();
  });

  it('the server starts on them and answers a number with its own territory', async () => {
    const container = await createTestContainer(
      { ...TWILIO_ENV, TERRITORY_DIR: dir },
      { territoryDirs: [dir] },
    );
    try {
      const ask = async (to: string, body: string) =>
        messagesOf(
          (
            await postSigned(
              container.app,
              '/channels/twilio/sms',
              smsParams({ From: '+33612345678', To: to, Body: body }),
            ).expect(200)
          ).text,
        ).join('\n');
      // The answer is territory 3's own FAQ entry (its source page), found through its eighth number.
      const answer = await ask(twilioNumberOf(3, 7), 'Comment réserver la salle des fêtes ?');
      expect(answer).toMatch(/salle des f[eê]tes .* se r[eé]serve/i);
      expect(answer).toContain('https://plat-0003.example.fr/faq/');
      expect(await ask(twilioNumberOf(4, 0), 'Comment réserver la salle des fêtes ?')).toContain(
        'https://plat-0004.example.fr/faq/',
      );
      expect(container.territories.current().list()).toHaveLength(N);
    } finally {
      await container.close();
    }
  });
});

describe('platform catalog (more territories than the cache holds)', () => {
  const faqFile = (i: number) => path.join(dir, territoryId(i), 'faq.json');
  const waitFor = async (condition: () => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      if (condition()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  it('gives every territory back exactly as validated, whichever ones were evicted', async () => {
    const everything = await loadTerritories(dir, { cacheSize: N, faqCacheSize: N });
    const small = await loadTerritories(dir, { cacheSize: 2, faqCacheSize: 2 });
    // What the metrics show (guichet_territories…): the first two stay parsed after the load, the last two FAQs.
    expect(small.cacheStats()).toEqual({
      territories: N,
      parsed: 2,
      inflations: 0,
      faqsParsed: 2,
      faqInflations: 0,
    });
    const asJson = (t: Territory | undefined) => JSON.parse(JSON.stringify(t)) as unknown;
    for (const round of [1, 2])
      for (let i = N; i >= 1; i--)
        expect([round, asJson(small.get(territoryId(i)))]).toEqual([
          round,
          asJson(everything.get(territoryId(i))),
        ]);
    // Read from the last to the first, twice, two at a time in memory: each read found its territory evicted
    // (the two parsed at the load were pushed out before their turn came) and inflated it again, FAQ included.
    expect(small.cacheStats()).toEqual({
      territories: N,
      parsed: 2,
      inflations: 2 * N,
      faqsParsed: 2,
      faqInflations: 2 * N,
    });
    expect(everything.cacheStats()).toMatchObject({
      territories: N,
      parsed: N,
      inflations: 0,
      faqInflations: 0,
    });
    expect(small.byTwilioNumber(twilioNumberOf(4, 2))?.faq).toHaveLength(
      PLATFORM_SIZES.faq / PLATFORM_SIZES.territories,
    );
    expect(small.summaries().map((t) => t.id)).toEqual(everything.summaries().map((t) => t.id));
    expect(small.allowsOrigin('https://plat-0002.example.fr')).toBe(true);
    expect(small.allowsOrigin('https://plat-9999.example.fr')).toBe(false);
  });

  it('keeps every territory parsed but only the most recent FAQs: a turn that does not read the FAQ inflates nothing', async () => {
    const catalog = await loadTerritories(dir, { cacheSize: N, faqCacheSize: 2 });
    // Every territory is kept as validated; the FAQs of the last two loaded only.
    expect(catalog.cacheStats()).toEqual({
      territories: N,
      parsed: N,
      inflations: 0,
      faqsParsed: 2,
      faqInflations: 0,
    });
    // Opening hours, reports, statuses: the same objects turn after turn, nothing inflated.
    const objects = Array.from({ length: N }, (_, i) => catalog.get(territoryId(i + 1)));
    for (let i = 1; i <= N; i++) expect(catalog.get(territoryId(i))).toBe(objects[i - 1]);
    expect(catalog.cacheStats().inflations).toBe(0);
    // A question to the knowledge base reads the FAQ: the first territory's had left the cache, parsed again
    // once while it stays among the two most recent…
    const first = catalog.get(territoryId(1))!;
    const faq = first.faq;
    expect(faq).toHaveLength(PLATFORM_SIZES.faq / PLATFORM_SIZES.territories);
    expect(first.faq).toBe(faq);
    expect(catalog.cacheStats()).toMatchObject({ faqsParsed: 2, faqInflations: 1 });
    // …and parsed again, equal, once two other territories' FAQs have pushed it out.
    void catalog.get(territoryId(2))!.faq;
    void catalog.get(territoryId(3))!.faq;
    const again = catalog.get(territoryId(1))!.faq;
    expect(again).not.toBe(faq);
    expect(again).toEqual(faq);
    expect(catalog.cacheStats()).toMatchObject({ inflations: 0, faqsParsed: 2, faqInflations: 4 });
  });

  it('hot reloads only the edited territory: the others keep their objects; a bad edit keeps the last good content', async () => {
    const errors: unknown[] = [];
    const reloads: (readonly string[])[] = [];
    const provider = await TerritoryProvider.fromDirectories(dir, {
      watch: true,
      debounceMs: 30,
      cacheSize: 3,
      onReload: (c) => reloads.push(c.reloaded),
      onError: (e) => errors.push(e),
    });
    const original = readFileSync(faqFile(2), 'utf8');
    try {
      const other = provider.current().get(territoryId(1));
      const faq = JSON.parse(original) as { answer: string }[];
      faq[0]!.answer = 'Nouvelle réponse publiée à chaud.';
      writeFileSync(faqFile(2), JSON.stringify(faq));
      await waitFor(() => reloads.length > 0, 'the reload');
      expect(reloads).toEqual([[territoryId(2)]]);
      expect(provider.current().get(territoryId(2))?.faq[0]?.answer).toBe(
        'Nouvelle réponse publiée à chaud.',
      );
      expect(provider.current().get(territoryId(1))).toBe(other);

      writeFileSync(faqFile(2), JSON.stringify([{ ...faq[0], sourceUrl: 'pas une adresse' }]));
      await waitFor(() => errors.length > 0, 'the error report');
      expect(errors[0]).toBeInstanceOf(TerritoryError);
      expect(provider.current().get(territoryId(2))?.faq[0]?.answer).toBe(
        'Nouvelle réponse publiée à chaud.',
      );
      expect(provider.current().get(territoryId(2))?.faq).toHaveLength(faq.length);
    } finally {
      provider.close();
      writeFileSync(faqFile(2), original);
    }
  });
});

describe('platform store', () => {
  it('writes the requests and their timeline across the territories', async () => {
    const store = createSharedStore({});
    try {
      await store.migrate();
      await generatePlatformRequests(store.sql, N, 1000);
      const { rows } = await store.sql.query<{ tenant_id: string; n: number; events: number; open: number }>(
        `SELECT r.tenant_id, count(*)::int AS n,
           sum((SELECT count(*) FROM request_events e WHERE e.request_id = r.id))::int AS events,
           count(*) FILTER (WHERE r.status = 'received')::int AS open
         FROM requests r GROUP BY r.tenant_id ORDER BY r.tenant_id`,
      );
      expect(rows.map((r) => [r.tenant_id, r.n])).toEqual(
        Array.from({ length: N }, (_, i) => [territoryId(i + 1), 1000 / N]),
      );
      // One 'received' event each, and one more for every request that moved on.
      for (const r of rows) expect(r.events).toBe(2 * r.n - r.open);
    } finally {
      await store.close();
    }
  });
});
