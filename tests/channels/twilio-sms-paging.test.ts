// Long SMS answers are paged, not cut: the first page comes with "Répondez SUITE pour la suite.", each
// "SUITE" (or "suite", "+") sends the next page, and the part to answer (a menu, "1. Oui, enregistrer")
// comes with the last page, after everything it is about. The pages wait in the conversation state
// store, so another instance can send the next one. The demo territory is given a one-segment budget
// here so that its ordinary answers need several pages.
import nock from 'nock';
import { smsSegments } from '../../channels/render/sms';
import type { PostgresSharedStore } from '../../adapters/postgres';
import { createCatalog } from '../../knowledge/territory';
import type { Container } from '../../server/container';
import { DEMO_TENANT, createTestContainer } from '../support/harness';
import { databaseUrl, describeWith, redisUrl, uniqueSuffix } from '../support/services';
import { TWILIO_ENV, messagesOf, mobile, postSigned, smsParams } from './twilio-helpers';

const PATH = '/channels/twilio/sms';
// A Monday, 10:00 in Paris.
const MONDAY_10H_PARIS = new Date('2026-11-30T09:00:00Z');
const MORE = /\nRépondez SUITE pour la suite\.$/;

/** The demo territory with a budget of one segment per SMS. */
function oneSegmentBudget(container: Container): void {
  const catalog = container.territories.current();
  container.territories.replace(
    createCatalog(
      catalog
        .list()
        .map((t) => (t.id === DEMO_TENANT ? { ...t, sms: { transliterate: true, segmentBudget: 1 } } : t)),
    ),
  );
}

async function smsTo(container: Container, from: string, body: string, messageSid?: string) {
  const res = await postSigned(
    container.app,
    PATH,
    smsParams({ From: from, Body: body, ...(messageSid ? { MessageSid: messageSid } : {}) }),
  ).expect(200);
  return messagesOf(res.text);
}

/** Sends `body`, then "SUITE" until the last page: every SMS received, in order. */
async function readAll(container: Container, from: string, body: string): Promise<string[]> {
  const bodies = await smsTo(container, from, body);
  for (let i = 0; i < 20 && MORE.test(bodies.at(-1) ?? ''); i += 1)
    bodies.push(...(await smsTo(container, from, 'SUITE')));
  return bodies;
}

/** A birth date for a child entering CP at the next rentrée (1 September), whatever the day the test runs. */
function cpBirthDate(now = new Date()): string {
  const rentree = now.getUTCMonth() >= 8 ? now.getUTCFullYear() + 1 : now.getUTCFullYear();
  return `12/03/${rentree - 6}`;
}

describe('SMS paging on one instance', () => {
  let container: Container;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    container = await createTestContainer(TWILIO_ENV, { clock: () => MONDAY_10H_PARIS });
    oneSegmentBudget(container);
  });
  afterAll(async () => {
    await container.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('sends the hours page by page on "SUITE", the address included, each SMS within budget', async () => {
    const from = mobile();
    await smsTo(container, from, 'bonjour');
    const first = await smsTo(container, from, 'horaires de la déchetterie');
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/^La déchetterie est fermée[^]*\nRépondez SUITE pour la suite\.$/);
    const second = await smsTo(container, from, 'suite');
    expect(second[0]).not.toBe(first[0]);
    const rest = [...second];
    while (MORE.test(rest.at(-1)!)) rest.push(...(await smsTo(container, from, '+')));
    const all = [...first, ...rest];
    for (const body of all) expect(smsSegments(body)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    const text = all.map((b) => b.replace(MORE, '')).join('\n');
    expect(text).toMatch(/Lun 14h-17h\nMar fermé\nMer-Ven 14h-17h\nSam 9h-12h 14h-17h\nDim fermé/);
    expect(text).toMatch(/Zone artisanale des Prés-Bas, route de Montcey, 25972 Vernière/);
    expect(all.at(-1)).not.toMatch(MORE);

    // Nothing left: "SUITE" is answered as such, never guessed at by the dialogue.
    expect(await smsTo(container, from, 'SUITE')).toEqual([
      "Il n'y a pas de suite : tout vous a été envoyé. Que puis-je faire pour vous ?",
    ]);
  });

  it('a retried "SUITE" webhook gets the same page again, and does not skip one', async () => {
    const from = mobile();
    await smsTo(container, from, 'bonjour');
    await smsTo(container, from, 'horaires de la piscine');
    const retried = 'SM' + 'ab'.repeat(16);
    const page2 = await smsTo(container, from, 'SUITE', retried);
    expect(await smsTo(container, from, 'SUITE', retried)).toEqual(page2);
    const page3 = await smsTo(container, from, 'SUITE');
    expect(page3).not.toEqual(page2);
  });

  it('a new question replaces the pages left of the previous answer', async () => {
    const from = mobile();
    await smsTo(container, from, 'bonjour');
    expect((await smsTo(container, from, 'horaires de la piscine'))[0]).toMatch(MORE);
    const short = await smsTo(container, from, 'merci');
    expect(short.at(-1)).not.toMatch(MORE);
    expect((await smsTo(container, from, 'SUITE'))[0]).toMatch(/Il n'y a pas de suite/);
  });

  it('after STOP and START (commands, not dialogue turns), "SUITE" no longer sends the pages from before', async () => {
    const from = mobile();
    await smsTo(container, from, 'bonjour');
    expect((await smsTo(container, from, 'horaires de la piscine'))[0]).toMatch(MORE);
    await smsTo(container, from, 'STOP');
    await smsTo(container, from, 'START');
    expect((await smsTo(container, from, 'SUITE'))[0]).toMatch(/Il n'y a pas de suite/);
  });

  it('a school registration: the whole summary before "1. Oui", then the school and every document', async () => {
    const from = mobile();
    await smsTo(container, from, 'bonjour');
    for (const answer of ['je voudrais inscrire mon fils à l’école', 'Lucas Martin', cpBirthDate(), 'CP'])
      await readAll(container, from, answer);
    await readAll(container, from, '3 rue du Moulin');
    await readAll(container, from, 'Claire Martin');
    const summaryPages = await readAll(container, from, '06 12 34 56 78');
    // The question comes with its options, on the last page.
    expect(summaryPages.at(-1)).toMatch(/Est-ce correct \? Je l'enregistre \?\n1\. Oui, enregistrer/);
    const summary = summaryPages.join('\n');
    // Every field the citizen confirms is sent, and the choice comes only on the last page, after them.
    expect(summary).toMatch(
      /Enfant : Lucas Martin[^]*Date de naissance : 12\/03\/\d{4}[^]*Classe : CP[^]*Adresse : 3 rue du Moulin, Montcey-sur-Loue[^]*Claire Martin[^]*Contact : 06 12 34 56 78[^]*\n1\. Oui, enregistrer\n2\. Non, corriger\nRépondez 1 ou 2\.$/,
    );
    const outcome = (await readAll(container, from, '1')).map((b) => b.replace(MORE, '')).join('\n');
    expect(outcome).toMatch(/référence DEM-2026-[0-9A-Z]{6}/);
    expect(outcome).toMatch(/École de secteur : École élémentaire Louis-Pasteur/);
    for (const document of ['Livret de famille', 'Justificatif de domicile', 'Carnet de santé'])
      expect(outcome).toContain(document);
  });

  it('erasing the conversation erases the pages waiting for "SUITE"', async () => {
    const from = mobile();
    await smsTo(container, from, 'bonjour');
    expect((await smsTo(container, from, 'horaires de la piscine'))[0]).toMatch(MORE);
    const conversation = await container.store.findConversation({
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address: from,
    });
    await container.engine.forgetConversation({ conversationId: conversation!.id });
    expect((await smsTo(container, from, 'SUITE'))[0]).toMatch(/Il n'y a pas de suite/);
  });
});

/** Needs both servers: skipped (and recorded) as needing PostgreSQL when it is missing, else as needing Redis. */
const describeWithBoth = (name: string, fn: () => void): void =>
  describeWith(process.env.GUICHET_POSTGRES_AVAILABLE === '1' ? 'redis' : 'postgres', name, fn);

describeWithBoth('SMS paging across two instances sharing Redis and PostgreSQL', () => {
  const suffix = uniqueSuffix();
  const schema = `sms_paging_${suffix}`.toLowerCase();
  const env = {
    ...TWILIO_ENV,
    REDIS_URL: redisUrl(),
    DATABASE_URL: databaseUrl(),
    RATE_LIMITS_ENABLED: 'false',
  };
  const overrides = {
    redisKeyPrefix: `test:${suffix}:`,
    databaseSchema: schema,
    clock: () => MONDAY_10H_PARIS,
  };
  let a: Container;
  let b: Container;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    a = await createTestContainer(env, overrides);
    b = await createTestContainer(env, overrides);
    oneSegmentBudget(a);
    oneSegmentBudget(b);
  }, 180_000);
  afterAll(async () => {
    await (a?.store as PostgresSharedStore | undefined)?.sql
      .exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      .catch(() => undefined);
    await Promise.allSettled([a?.close(), b?.close()]);
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('the page after the one sent by one instance is sent by the other on "SUITE"', async () => {
    const from = mobile();
    await smsTo(a, from, 'bonjour');
    const first = await smsTo(a, from, 'horaires de la déchetterie');
    expect(first[0]).toMatch(MORE);
    const second = await smsTo(b, from, 'SUITE');
    expect(second[0]).not.toMatch(/Il n'y a pas de suite/);
    expect(second[0]).not.toBe(first[0]);
    expect(second[0]).toMatch(/Lun|Mar|Mer|Sam|Dim|Zone artisanale/);
  });
});
