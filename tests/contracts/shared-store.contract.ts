// Contract of SharedStore, run against every implementation (PGlite, PostgreSQL server).
import { randomUUID } from 'node:crypto';
import type { MessageRecord, NewRequest, SharedStore, TurnCommit } from '../../bot/ports';
import type { GeoPoint } from '../../bot/messages';
import { expectGuichetError, UUID_VERSION_7 } from './helpers';

export interface SharedStoreFixture {
  store: SharedStore;
  /** Raw SQL on the same database, to check what the port does not read back (outbox, counters). */
  query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
}

/** `make` runs once per suite (starting a database is slow); tests isolate themselves by tenant. */
export function sharedStoreContract(
  make: () => Promise<SharedStoreFixture>,
  dispose: () => Promise<void>,
): void {
  let fx: SharedStoreFixture;
  let store: SharedStore;
  beforeAll(async () => {
    fx = await make();
    store = fx.store;
    await store.migrate();
  }, 60_000);
  afterAll(dispose);

  const newTenant = async (): Promise<string> => {
    const id = `t-${randomUUID().slice(0, 8)}`;
    await store.upsertTenants([{ id, name: `Commune ${id}` }]);
    return id;
  };
  const phone = (): string =>
    `+336${Math.floor(Math.random() * 1e8)
      .toString()
      .padStart(8, '0')}`;
  const count = async (sql: string, params: unknown[]): Promise<number> =>
    Number((await fx.query(sql, params))[0]?.n ?? -1);

  async function newRequest(
    tenantId: string,
    conversation: { id: string; contactId: string },
    overrides: Partial<NewRequest> = {},
  ): Promise<NewRequest> {
    return {
      reference: await store.reserveReference(new Date()),
      tenantId,
      type: 'incident',
      authorityId: 'mairie-pezenas',
      communeId: '34199',
      channel: 'sms',
      contactId: conversation.contactId,
      conversationId: conversation.id,
      payload: { category: 'voirie', description: 'Nid-de-poule devant l’école' },
      location: { lat: 43.4595, lon: 3.4231 },
      addressText: '1 place de la République, Pézenas',
      ...overrides,
    };
  }

  const turn = (tenantId: string, conversationId: string, parts: Partial<TurnCommit> = {}): TurnCommit => ({
    tenantId,
    conversationId,
    messages: [],
    requests: [],
    outbox: [],
    ...parts,
  });

  it('migrates again without error (idempotent)', async () => {
    await store.migrate();
    await expect(store.ping()).resolves.toBeUndefined();
    const versions = await fx.query(
      'SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version',
      [],
    );
    expect(versions.length).toBeGreaterThan(0);
    expect(versions.every((row) => row.n === 1)).toBe(true);
  });

  describe('conversations', () => {
    it('opens a conversation with a new contact, and finds the same one afterwards', async () => {
      const tenantId = await newTenant();
      const address = phone();
      const opened = await store.openConversation({ tenantId, channel: 'sms', address });
      expect(opened).toMatchObject({
        tenantId,
        channel: 'sms',
        address,
        owner: 'bot',
        status: 'open',
        agentId: null,
      });
      expect(opened.contactId).toMatch(/^[0-9a-f-]{36}$/);
      expect(opened.createdAt).toBeInstanceOf(Date);

      const again = await store.openConversation({ tenantId, channel: 'sms', address });
      expect(again.id).toBe(opened.id);
      expect(await store.findConversation({ tenantId, channel: 'sms', address })).toEqual(opened);
      expect(await store.getConversation(tenantId, opened.id)).toEqual(opened);
    });

    it('keeps addresses, channels and tenants apart', async () => {
      const tenantId = await newTenant();
      const other = await newTenant();
      const address = phone();
      const sms = await store.openConversation({ tenantId, channel: 'sms', address });
      const whatsapp = await store.openConversation({ tenantId, channel: 'whatsapp', address });
      const otherTenant = await store.openConversation({ tenantId: other, channel: 'sms', address });
      const otherAddress = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      expect(new Set([sms.id, whatsapp.id, otherTenant.id, otherAddress.id]).size).toBe(4);
      expect(otherAddress.contactId).not.toBe(sms.contactId);
      expect(await store.getConversation(other, sms.id)).toBeNull();
    });

    it('answers null for an unknown conversation or address', async () => {
      const tenantId = await newTenant();
      expect(await store.getConversation(tenantId, randomUUID())).toBeNull();
      expect(await store.getConversation(tenantId, 'not-a-uuid')).toBeNull();
      expect(await store.findConversation({ tenantId, channel: 'webchat', address: 'nobody' })).toBeNull();
    });

    it('opens only one conversation when several turns of a new address arrive at once', async () => {
      const tenantId = await newTenant();
      const address = phone();
      const opened = await Promise.all(
        Array.from({ length: 6 }, () => store.openConversation({ tenantId, channel: 'sms', address })),
      );
      expect(new Set(opened.map((c) => c.id)).size).toBe(1);
      expect(new Set(opened.map((c) => c.contactId)).size).toBe(1);
      expect(await count('SELECT count(*) AS n FROM contacts WHERE tenant_id = $1', [tenantId])).toBe(1);
    });

    it('refuses a conversation for an unknown tenant', async () => {
      await expectGuichetError(
        store.openConversation({ tenantId: 'no-such-tenant', channel: 'sms', address: phone() }),
        'NOT_FOUND',
      );
    });

    it('starts a new conversation for the same contact once the previous one is closed', async () => {
      const tenantId = await newTenant();
      const address = phone();
      const first = await store.openConversation({ tenantId, channel: 'sms', address });
      await store.commitTurn(turn(tenantId, first.id, { conversation: { status: 'closed' } }));
      expect((await store.getConversation(tenantId, first.id))?.status).toBe('closed');
      expect(await store.findConversation({ tenantId, channel: 'sms', address })).toBeNull();
      const second = await store.openConversation({ tenantId, channel: 'sms', address });
      expect(second.id).not.toBe(first.id);
      expect(second.contactId).toBe(first.contactId);
    });

    it('records the owner change of a handover and the agent’s first reply', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'webchat', address: randomUUID() });
      await store.commitTurn(
        turn(tenantId, conv.id, { conversation: { owner: 'queue', lastIntent: 'human_agent' } }),
      );
      const queued = await store.getConversation(tenantId, conv.id);
      expect(queued?.owner).toBe('queue');
      expect(queued?.updatedAt.getTime()).toBeGreaterThanOrEqual(conv.updatedAt.getTime());
      await store.commitTurn(
        turn(tenantId, conv.id, {
          messages: [{ direction: 'agent', text: 'Bonjour, je suis Claire, du service état civil.' }],
          conversation: { owner: 'agent' },
        }),
      );
      const rows = await fx.query(
        'SELECT owner, last_intent, handed_over_at, first_agent_reply_at FROM conversations WHERE id = $1',
        [conv.id],
      );
      expect(rows[0]).toMatchObject({ owner: 'agent', last_intent: 'human_agent' });
      expect(rows[0]?.handed_over_at).not.toBeNull();
      expect(rows[0]?.first_agent_reply_at).not.toBeNull();
    });

    it('counts NLU fallbacks', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      await store.commitTurn(turn(tenantId, conv.id, { conversation: { nluFallback: true } }));
      await store.commitTurn(
        turn(tenantId, conv.id, { conversation: { nluFallback: true, lastIntent: 'fallback' } }),
      );
      await store.commitTurn(turn(tenantId, conv.id, { conversation: { lastIntent: 'opening_hours' } }));
      const rows = await fx.query('SELECT nlu_fallbacks, last_intent FROM conversations WHERE id = $1', [
        conv.id,
      ]);
      expect(rows[0]).toMatchObject({ nlu_fallbacks: 2, last_intent: 'opening_hours' });
    });

    it('keeps the message of an unanswered turn as a knowledge gap, redacted and tied to no conversation', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const asked = {
        direction: 'in' as const,
        text: 'Je m’appelle Camille Martin, le refuge ouvre quand ? 06 12 34 56 78',
      };
      await store.commitTurn(
        turn(tenantId, conv.id, { messages: [asked], conversation: { unanswered: true } }),
      );
      // An answered turn, and an unanswered one with nothing but personal data in it, keep nothing.
      await store.commitTurn(turn(tenantId, conv.id, { messages: [asked] }));
      await store.commitTurn(
        turn(tenantId, conv.id, {
          messages: [{ direction: 'in', text: '06 12 34 56 78' }],
          conversation: { unanswered: true },
        }),
      );
      const rows = await fx.query('SELECT * FROM knowledge_gaps WHERE tenant_id = $1', [tenantId]);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ channel: 'sms', handled_at: null });
      expect(rows[0]?.question).toMatch(/refuge ouvre quand \? \[téléphone\]/);
      expect(rows[0]?.question).not.toMatch(/Camille|Martin|06 12/);
      expect(Object.values(rows[0] ?? {})).not.toContain(conv.id);
    });

    it('refuses, and writes nothing of, a turn fenced by an older lock token than one already committed', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const said = (text: string) => ({ direction: 'in' as const, text });
      await store.commitTurn(turn(tenantId, conv.id, { fenceToken: 5, messages: [said('holder 5')] }));
      await store.commitTurn(turn(tenantId, conv.id, { fenceToken: 5, messages: [said('holder 5 again')] }));
      // The holder of token 3 lost its lock while working: its late commit must not land.
      await expect(
        store.commitTurn(
          turn(tenantId, conv.id, {
            fenceToken: 3,
            messages: [said('stale holder 3')],
            outbox: [{ kind: 'notification', payload: {}, dedupeKey: `stale-${randomUUID()}` }],
          }),
        ),
      ).rejects.toMatchObject({ code: 'STALE_STATE' });
      await store.commitTurn(turn(tenantId, conv.id, { fenceToken: 7, messages: [said('holder 7')] }));
      const texts = (await store.listMessages(tenantId, conv.id)).map((m) => m.text);
      expect(texts).toEqual(['holder 5', 'holder 5 again', 'holder 7']);
      const stale = await fx.query(
        "SELECT 1 FROM outbox WHERE dedupe_key LIKE 'stale-%' AND tenant_id = $1",
        [tenantId],
      );
      expect(stale).toHaveLength(0);
    });

    it('commits a turn run on a copy of the conversation only while the conversation is still as the copy says', async () => {
      const tenantId = await newTenant();
      const address = phone();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address });
      const said = (text: string) => ({ direction: 'in' as const, text });
      const onCopy = (text: string, owner: 'bot' | 'queue' = 'bot'): TurnCommit => ({
        ...turn(tenantId, conv.id, {
          messages: [said(text)],
          requests: [],
          outbox: [{ kind: 'notification', payload: {}, dedupeKey: `copy-${randomUUID()}` }],
        }),
        expect: { owner, address },
      });
      expect(await store.commitTurn(onCopy('still the bot’s'))).toBe('committed');
      // An agent's queue took it over meanwhile (another instance, the back office): nothing is written.
      await store.commitTurn(turn(tenantId, conv.id, { conversation: { owner: 'queue' } }));
      expect(await store.commitTurn(onCopy('the bot would answer'))).toBe('conversation_changed');
      expect(await store.commitTurn(onCopy('the queue’s', 'queue'))).toBe('committed');
      // Another address's copy, then a closed conversation.
      expect(
        await store.commitTurn({
          ...onCopy('other address', 'queue'),
          expect: { owner: 'queue', address: phone() },
        }),
      ).toBe('conversation_changed');
      await store.commitTurn(turn(tenantId, conv.id, { conversation: { status: 'closed' } }));
      expect(await store.commitTurn(onCopy('after closing', 'queue'))).toBe('conversation_changed');
      expect((await store.listMessages(tenantId, conv.id)).map((m) => m.text)).toEqual([
        'still the bot’s',
        'the queue’s',
      ]);
      expect(
        await count("SELECT count(*) AS n FROM outbox WHERE tenant_id = $1 AND dedupe_key LIKE 'copy-%'", [
          tenantId,
        ]),
      ).toBe(2);
    });

    it('sets and clears a contact’s opt-out, and refuses an unknown contact', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      await store.setContactOptOut(tenantId, conv.contactId, true);
      expect((await fx.query('SELECT opted_out FROM contacts WHERE id = $1', [conv.contactId]))[0]).toEqual({
        opted_out: true,
      });
      await store.setContactOptOut(tenantId, conv.contactId, false);
      expect((await fx.query('SELECT opted_out FROM contacts WHERE id = $1', [conv.contactId]))[0]).toEqual({
        opted_out: false,
      });
      await expectGuichetError(store.setContactOptOut(tenantId, randomUUID(), true), 'NOT_FOUND');
      await expectGuichetError(store.setContactOptOut(await newTenant(), conv.contactId, true), 'NOT_FOUND');
    });
  });

  describe('transcript', () => {
    it('stores the messages of a turn in order, with their payload and intent', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const messages: MessageRecord[] = [
        {
          direction: 'in',
          text: 'Horaires de la mairie ?',
          providerMessageId: 'SM001',
          intent: 'opening_hours',
        },
        {
          direction: 'out',
          text: 'La mairie est ouverte de 8 h 30 à 12 h.',
          payload: [{ type: 'text', text: 'La mairie est ouverte de 8 h 30 à 12 h.' }],
        },
      ];
      await store.commitTurn(turn(tenantId, conv.id, { messages }));
      const stored = await store.listMessages(tenantId, conv.id);
      expect(stored).toHaveLength(2);
      expect(stored[0]).toMatchObject(messages[0] as MessageRecord);
      expect(stored[1]).toMatchObject(messages[1] as MessageRecord);
      expect(stored[0]?.createdAt).toBeInstanceOf(Date);
      expect(stored[1]?.providerMessageId).toBeUndefined();
      expect(await store.listMessages(await newTenant(), conv.id)).toEqual([]);
    });

    it('skips a replayed provider message instead of storing it twice', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const incoming: MessageRecord = { direction: 'in', text: 'Bonjour', providerMessageId: 'SM-replayed' };
      await store.commitTurn(
        turn(tenantId, conv.id, { messages: [incoming, { direction: 'out', text: 'Bonjour !' }] }),
      );
      await store.commitTurn(turn(tenantId, conv.id, { messages: [incoming] }));
      const texts = (await store.listMessages(tenantId, conv.id)).map((m) => m.text);
      expect(texts).toEqual(['Bonjour', 'Bonjour !']);
    });

    it('commits a turn once per provider message: a retried commit writes nothing and reads the answer back', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const incoming: MessageRecord = { direction: 'in', text: 'oui', providerMessageId: 'SM-confirm' };
      const answer: MessageRecord = {
        direction: 'out',
        text: 'Enregistré sous la référence DEM-2026-AAAAAA.',
        payload: { type: 'text', text: 'Enregistré sous la référence DEM-2026-AAAAAA.' },
      };
      const commitOf = async (text: string): Promise<TurnCommit> => ({
        ...turn(tenantId, conv.id, {
          messages: [incoming, { ...answer, text }],
          requests: [await newRequest(tenantId, conv)],
          outbox: [{ kind: 'request.created', payload: {}, dedupeKey: `once-${randomUUID()}` }],
        }),
        fenceToken: 9,
      });
      expect(await store.commitTurn(await commitOf(answer.text))).toBe('committed');
      await store.commitTurn(turn(tenantId, conv.id, { messages: [{ direction: 'in', text: 'merci' }] }));
      // The same message again (its instance died before answering): nothing of the second run is written.
      expect(await store.commitTurn(await commitOf('Enregistré sous DEM-2026-BBBBBB.'))).toBe(
        'already_committed',
      );
      expect(await count('SELECT count(*) AS n FROM requests WHERE tenant_id = $1', [tenantId])).toBe(1);
      expect(
        await count("SELECT count(*) AS n FROM outbox WHERE tenant_id = $1 AND dedupe_key LIKE 'once-%'", [
          tenantId,
        ]),
      ).toBe(1);
      expect((await store.listMessages(tenantId, conv.id)).map((m) => m.text)).toEqual([
        'oui',
        answer.text,
        'merci',
      ]);
      // The answer given with it, without the messages after it; nothing for an unknown message or tenant.
      expect(await store.committedTurn(tenantId, conv.id, 'SM-confirm')).toEqual({
        replies: [expect.objectContaining({ direction: 'out', text: answer.text, payload: answer.payload })],
        latest: false,
      });
      expect(await store.committedTurn(tenantId, conv.id, 'SM-unknown')).toBeNull();
      expect(await store.committedTurn(await newTenant(), conv.id, 'SM-confirm')).toBeNull();
      // The latest turn, and one the bot did not answer (an agent owned the conversation).
      await store.commitTurn(
        turn(tenantId, conv.id, {
          messages: [{ direction: 'in', text: 'allô ?', providerMessageId: 'SM-last' }],
        }),
      );
      expect(await store.committedTurn(tenantId, conv.id, 'SM-last')).toEqual({ replies: [], latest: true });
    });

    it('commits the turns of many conversations arriving at once, each with its own outcome', async () => {
      const tenantId = await newTenant();
      const open = () => store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const [plain, replayed, fenced, takenOver, counted, twice] = await Promise.all(
        Array.from({ length: 6 }, open),
      );
      const said = (text: string, providerMessageId?: string): MessageRecord => ({
        direction: 'in',
        text,
        ...(providerMessageId ? { providerMessageId } : {}),
      });
      const answer = (text: string): MessageRecord => ({
        direction: 'out',
        text,
        payload: { type: 'text', text },
      });
      await store.commitTurn(
        turn(tenantId, replayed!.id, { messages: [said('déjà reçu', 'SM-batch-once')] }),
      );
      await store.commitTurn(
        turn(tenantId, fenced!.id, { fenceToken: 5, messages: [said('tenant du verrou 5')] }),
      );
      await store.commitTurn(turn(tenantId, takenOver!.id, { conversation: { owner: 'queue' } }));
      const otherTenant = await newTenant();
      const elsewhere = await store.openConversation({
        tenantId: otherTenant,
        channel: 'sms',
        address: phone(),
      });

      // Issued together: a store may write them in one go, but each turn keeps its own conditions and outcome.
      const outcomes = await Promise.allSettled([
        store.commitTurn(
          turn(tenantId, plain!.id, {
            fenceToken: 4,
            messages: [said('horaires ?', 'SM-b1'), answer('9 h – 12 h')],
            conversation: { lastIntent: 'opening_hours' },
          }),
        ),
        store.commitTurn(
          turn(tenantId, replayed!.id, { messages: [said('déjà reçu', 'SM-batch-once'), answer('x')] }),
        ),
        store.commitTurn(
          turn(tenantId, fenced!.id, { fenceToken: 3, messages: [said('verrou 3 en retard')] }),
        ),
        store.commitTurn({
          ...turn(tenantId, takenOver!.id, { messages: [said('le robot répondrait')] }),
          expect: { owner: 'bot', address: takenOver!.address },
        }),
        store.commitTurn(
          turn(tenantId, counted!.id, {
            fenceToken: 2,
            messages: [said('pas compris')],
            conversation: { lastIntent: 'fallback', nluFallback: true },
          }),
        ),
        store.commitTurn(turn(tenantId, randomUUID(), { messages: [said('inconnue')] })),
        store.commitTurn(turn(tenantId, elsewhere.id, { messages: [said('autre territoire')] })),
        store.commitTurn(turn(tenantId, twice!.id, { fenceToken: 1, messages: [said('premier')] })),
        store.commitTurn(turn(tenantId, twice!.id, { fenceToken: 2, messages: [said('second')] })),
      ]);
      const outcome = (i: number) => {
        const o = outcomes[i]!;
        return o.status === 'fulfilled' ? o.value : (o.reason as { code?: string }).code;
      };
      expect(Array.from({ length: outcomes.length }, (_, i) => outcome(i))).toEqual([
        'committed',
        'already_committed',
        'STALE_STATE',
        'conversation_changed',
        'committed',
        'NOT_FOUND',
        'NOT_FOUND',
        'committed',
        'committed',
      ]);
      const texts = async (tenant: string, id: string) =>
        (await store.listMessages(tenant, id)).map((m) => m.text);
      expect(await texts(tenantId, plain!.id)).toEqual(['horaires ?', '9 h – 12 h']);
      expect(await texts(tenantId, replayed!.id)).toEqual(['déjà reçu']);
      expect(await texts(tenantId, fenced!.id)).toEqual(['tenant du verrou 5']);
      expect(await texts(tenantId, takenOver!.id)).toEqual([]);
      expect(await texts(tenantId, twice!.id)).toEqual(['premier', 'second']);
      expect(await texts(otherTenant, elsewhere.id)).toEqual([]);
      expect((await store.listMessages(tenantId, plain!.id))[1]?.payload).toEqual({
        type: 'text',
        text: '9 h – 12 h',
      });
      expect(await count('SELECT nlu_fallbacks AS n FROM conversations WHERE id = $1', [counted!.id])).toBe(
        1,
      );
      // The late holder of an older lock is refused afterwards too: the fences given were recorded.
      for (const id of [plain!.id, counted!.id])
        await expect(
          store.commitTurn(turn(tenantId, id, { fenceToken: 1, messages: [said('plus vieux')] })),
        ).rejects.toMatchObject({ code: 'STALE_STATE' });
      expect(
        (await fx.query('SELECT last_intent FROM conversations WHERE id = $1', [plain!.id]))[0]?.last_intent,
      ).toBe('opening_hours');
    });

    it('knows a turn of several provider messages as a replay when any of them was committed, alone or at once', async () => {
      const tenantId = await newTenant();
      const open = () => store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const [reported, chatted, other] = await Promise.all([open(), open(), open()]);
      const said = (text: string, providerMessageId: string): MessageRecord => ({
        direction: 'in',
        text,
        providerMessageId,
      });
      // Long conversations first: the replay check must find the message among many others.
      for (const conv of [reported!, chatted!])
        await store.commitTurn(
          turn(tenantId, conv.id, {
            messages: Array.from({ length: 40 }, (_, i) => said(`message ${i}`, `SM-${conv.id}-${i}`)),
          }),
        );
      // A turn with a request (its own statement) and two provider messages, the second one already stored.
      const withRequest = turn(tenantId, reported!.id, {
        messages: [said('lampadaire', `SM-${reported!.id}-new`), said('rue Haute', `SM-${reported!.id}-39`)],
        requests: [await newRequest(tenantId, reported!)],
      });
      expect(await store.commitTurn(withRequest)).toBe('already_committed');
      // Transcript-only turns issued together (a store may write them in one statement).
      const outcomes = await Promise.all([
        store.commitTurn(
          turn(tenantId, chatted!.id, {
            messages: [said('encore ?', `SM-${chatted!.id}-0`), said('nouveau', `SM-${chatted!.id}-new`)],
          }),
        ),
        store.commitTurn(turn(tenantId, other!.id, { messages: [said('bonjour', `SM-${chatted!.id}-1`)] })),
      ]);
      // The same provider id in another conversation is another message.
      expect(outcomes).toEqual(['already_committed', 'committed']);
      expect(await count('SELECT count(*) AS n FROM requests WHERE tenant_id = $1', [tenantId])).toBe(0);
      expect((await store.listMessages(tenantId, chatted!.id)).length).toBe(40);
      expect((await store.listMessages(tenantId, other!.id)).map((m) => m.text)).toEqual(['bonjour']);
    });

    it('returns the latest messages, oldest first, when limited', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'webchat', address: randomUUID() });
      const messages = Array.from({ length: 8 }, (_, i): MessageRecord => ({
        direction: 'in',
        text: `message ${i}`,
      }));
      await store.commitTurn(turn(tenantId, conv.id, { messages }));
      const latest = await store.listMessages(tenantId, conv.id, { limit: 3 });
      expect(latest.map((m) => m.text)).toEqual(['message 5', 'message 6', 'message 7']);
    });

    it('refuses a turn for an unknown conversation or another tenant’s conversation', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const messages: MessageRecord[] = [{ direction: 'in', text: 'x' }];
      await expectGuichetError(store.commitTurn(turn(tenantId, randomUUID(), { messages })), 'NOT_FOUND');
      await expectGuichetError(store.commitTurn(turn(await newTenant(), conv.id, { messages })), 'NOT_FOUND');
      expect(await store.listMessages(tenantId, conv.id)).toEqual([]);
    });
  });

  describe('requests', () => {
    it('reserves unique, unguessable references DEM-YYYY-XXXXXX, with the year of Paris', async () => {
      const refs = await Promise.all(
        Array.from({ length: 20 }, () => store.reserveReference(new Date('2026-05-04T10:00:00Z'))),
      );
      expect(new Set(refs).size).toBe(20);
      for (const ref of refs) expect(ref).toMatch(/^DEM-2026-[2-9A-HJKMNP-Z]{6}$/);
      // 23:30 UTC on 31 December is already the next year in Paris.
      expect(await store.reserveReference(new Date('2026-12-31T23:30:00Z'))).toMatch(
        /^DEM-2027-[2-9A-HJKMNP-Z]{6}$/,
      );
    });

    it('commits a request with its “received” event and finds it by reference and by contact', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const request = await newRequest(tenantId, conv, {
        location: { lat: 43.46, lon: 3.42, label: 'Place' },
      });
      await store.commitTurn(
        turn(tenantId, conv.id, {
          messages: [{ direction: 'out', text: `Votre demande ${request.reference} est enregistrée.` }],
          requests: [request],
          outbox: [
            { kind: 'notification', payload: { to: conv.address }, dedupeKey: `ack:${request.reference}` },
          ],
        }),
      );
      const found = await store.getRequestByReference(tenantId, request.reference);
      expect(found).toMatchObject({ ...request, status: 'received', needsGeocoding: false });
      expect(found?.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(found?.events).toHaveLength(1);
      expect(found?.events[0]).toMatchObject({ status: 'received' });
      expect(found?.events[0]?.createdAt).toBeInstanceOf(Date);
      // A reference typed in lower case by a citizen still matches.
      expect((await store.getRequestByReference(tenantId, request.reference.toLowerCase()))?.id).toBe(
        found?.id,
      );
      expect(await store.getRequestByReference(await newTenant(), request.reference)).toBeNull();

      const mine = await store.listRequestsForContact(tenantId, conv.contactId, 10);
      expect(mine.map((r) => r.reference)).toEqual([request.reference]);
      // The follow-up: the requester (same contact) gets it, another contact of the tenant does not.
      expect((await store.getRequestForContact(tenantId, request.reference, conv.contactId))?.id).toBe(
        found?.id,
      );
      const stranger = await store.openConversation({ tenantId, channel: 'webchat', address: randomUUID() });
      expect(await store.getRequestForContact(tenantId, request.reference, stranger.contactId)).toBeNull();
      expect(await store.getRequestForContact(tenantId, request.reference, 'not-a-uuid')).toBeNull();
      expect(
        await count('SELECT count(*) AS n FROM outbox WHERE dedupe_key = $1', [`ack:${request.reference}`]),
      ).toBe(1);
    });

    it('gives requests, conversations and contacts ids in the order they were made (new index entries at the end)', async () => {
      // Random ids put each new row of a table of millions on a random page of every index on its id, rarely in
      // PostgreSQL's buffers (adapters/postgres/ids.ts): ordered ids go where the last ones went.
      const tenantId = await newTenant();
      const made: { conversation: string; contact: string; reference: string }[] = [];
      for (let i = 0; i < 6; i++) {
        const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
        const request = await newRequest(tenantId, conv);
        await store.commitTurn(turn(tenantId, conv.id, { requests: [request] }));
        made.push({ conversation: conv.id, contact: conv.contactId, reference: request.reference });
      }
      const orderOf = async (table: string, column: string) =>
        (
          await fx.query(`SELECT ${column} AS v FROM ${table} WHERE tenant_id = $1 ORDER BY id`, [tenantId])
        ).map((row) => row.v);
      expect(await orderOf('requests', 'reference')).toEqual(made.map((m) => m.reference));
      expect(await orderOf('conversations', 'id')).toEqual(made.map((m) => m.conversation));
      expect(await orderOf('contacts', 'id')).toEqual(made.map((m) => m.contact));
      for (const row of await fx.query('SELECT id FROM requests WHERE tenant_id = $1', [tenantId]))
        expect(row.id).toMatch(UUID_VERSION_7);
      for (const m of made) expect(m.conversation).toMatch(UUID_VERSION_7);
    });

    it('stores a request whose address could not be geocoded', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'voice', address: phone() });
      const request = await newRequest(tenantId, conv, { location: undefined, needsGeocoding: true });
      delete request.location;
      await store.commitTurn(turn(tenantId, conv.id, { requests: [request] }));
      const found = await store.getRequestByReference(tenantId, request.reference);
      expect(found?.needsGeocoding).toBe(true);
      expect(found?.location).toBeUndefined();
      expect(found?.addressText).toBe(request.addressText);
    });

    it('lists the requests waiting for geocoding and records a later geocoding once', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const waiting = await newRequest(tenantId, conv, {
        location: undefined,
        communeId: undefined,
        needsGeocoding: true,
        payload: {
          category: 'voirie',
          description: 'Trou',
          geocoding: 'unavailable',
          address: { text: 'x' },
        },
      });
      const located = await newRequest(tenantId, conv);
      await store.commitTurn(turn(tenantId, conv.id, { requests: [waiting, located] }));
      const mine = (await store.listRequestsNeedingGeocoding(1000)).filter((r) => r.tenantId === tenantId);
      expect(mine.map((r) => r.reference)).toEqual([waiting.reference]);

      const update = {
        tenantId,
        requestId: mine[0]!.id,
        location: { lat: 43.46, lon: 3.42, label: '12 Rue des Lilas 34120 Pézenas' },
        communeId: '34199',
        payloadPatch: { geocoding: 'ok', address: { text: 'x', label: '12 Rue des Lilas 34120 Pézenas' } },
        note: 'Adresse localisée.',
        actor: 'system:geocoding',
      };
      expect(await store.recordGeocoding({ ...update, tenantId: await newTenant() })).toBe(false);
      expect(await store.recordGeocoding(update)).toBe(true);
      expect(await store.recordGeocoding(update)).toBe(false); // a second instance's run writes nothing

      const found = await store.getRequestByReference(tenantId, waiting.reference);
      expect(found).toMatchObject({
        needsGeocoding: false,
        communeId: '34199',
        location: { lat: 43.46, lon: 3.42, label: '12 Rue des Lilas 34120 Pézenas' },
        payload: { category: 'voirie', description: 'Trou', geocoding: 'ok' },
      });
      expect(found?.events.map((e) => [e.status, e.note, e.actor])).toEqual([
        ['received', undefined, expect.any(String)],
        ['received', 'Adresse localisée.', 'system:geocoding'],
      ]);
      expect((await store.listRequestsNeedingGeocoding(1000)).some((r) => r.tenantId === tenantId)).toBe(
        false,
      );
    });

    it('draws references without a read, and a drawn one already taken leaves the turn unwritten', async () => {
      expect(store.draftReference(new Date('2026-12-31T23:30:00Z'))).toMatch(/^DEM-2027-[2-9A-HJKMNP-Z]{6}$/);
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const first = await newRequest(tenantId, conv);
      await store.commitTurn(turn(tenantId, conv.id, { requests: [first] }));
      const drawn = await newRequest(tenantId, conv, { reference: first.reference });
      const taking = turn(tenantId, conv.id, {
        messages: [{ direction: 'in', text: 'oui', providerMessageId: 'SM-drawn' }],
        requests: [drawn],
        outbox: [{ kind: 'webhook', payload: {}, dedupeKey: `wh:drawn:${tenantId}` }],
        draftReferences: true,
      });
      expect(await store.commitTurn(taking)).toBe('reference_taken');
      expect(await store.listMessages(tenantId, conv.id)).toEqual([]);
      expect(await count('SELECT count(*) AS n FROM requests WHERE tenant_id = $1', [tenantId])).toBe(1);
      expect(await count('SELECT count(*) AS n FROM outbox WHERE tenant_id = $1', [tenantId])).toBe(0);
      // With a new reference, the same turn goes through.
      const redrawn = { ...drawn, reference: store.draftReference(new Date()) };
      expect(await store.commitTurn({ ...taking, requests: [redrawn] })).toBe('committed');
      expect((await store.getRequestByReference(tenantId, redrawn.reference))?.contactId).toBe(
        conv.contactId,
      );
      // Without the flag, a taken reference is an error, as before.
      await expectGuichetError(
        store.commitTurn(turn(tenantId, conv.id, { requests: [{ ...drawn, reference: redrawn.reference }] })),
        'CONFLICT',
      );
    });

    it('writes nothing of a turn when one part fails (duplicate reference)', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const first = await newRequest(tenantId, conv);
      await store.commitTurn(turn(tenantId, conv.id, { requests: [first] }));
      const before = await store.getConversation(tenantId, conv.id);

      const fresh = await newRequest(tenantId, conv);
      const failing = turn(tenantId, conv.id, {
        messages: [
          { direction: 'in', text: 'Un lampadaire est en panne', providerMessageId: 'SM-atomic' },
          { direction: 'out', text: 'Votre demande est enregistrée.' },
        ],
        requests: [fresh, { ...fresh, reference: first.reference }],
        follows: [
          {
            requestId: (await store.getRequestByReference(tenantId, first.reference))?.id ?? '',
            contactId: conv.contactId,
          },
        ],
        outbox: [
          { kind: 'webhook', payload: { reference: fresh.reference }, dedupeKey: `wh:${fresh.reference}` },
        ],
        conversation: { owner: 'queue', lastIntent: 'report_incident' },
      });
      await expectGuichetError(store.commitTurn(failing), 'CONFLICT');

      expect(await store.listMessages(tenantId, conv.id)).toEqual([]);
      expect(await store.getRequestByReference(tenantId, fresh.reference)).toBeNull();
      expect((await store.getRequestByReference(tenantId, first.reference))?.events).toHaveLength(1);
      expect(await count('SELECT count(*) AS n FROM requests WHERE tenant_id = $1', [tenantId])).toBe(1);
      expect(
        await count('SELECT count(*) AS n FROM request_followers WHERE contact_id = $1', [conv.contactId]),
      ).toBe(0);
      expect(await count('SELECT count(*) AS n FROM outbox WHERE tenant_id = $1', [tenantId])).toBe(0);
      const after = await store.getConversation(tenantId, conv.id);
      expect(after?.owner).toBe('bot');
      expect(after?.updatedAt).toEqual(before?.updatedAt);

      // The same turn with a valid reference then goes through whole.
      await store.commitTurn({ ...failing, requests: [fresh] });
      expect(await store.listMessages(tenantId, conv.id)).toHaveLength(2);
      expect(await count('SELECT count(*) AS n FROM outbox WHERE tenant_id = $1', [tenantId])).toBe(1);
    });

    it('lets a contact follow an existing request (duplicate report), then lists it for that contact', async () => {
      const tenantId = await newTenant();
      const reporter = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const neighbour = await store.openConversation({ tenantId, channel: 'webchat', address: randomUUID() });
      const request = await newRequest(tenantId, reporter);
      await store.commitTurn(turn(tenantId, reporter.id, { requests: [request] }));
      const existing = await store.getRequestByReference(tenantId, request.reference);
      const follow = { requestId: existing?.id ?? '', contactId: neighbour.contactId };
      await store.commitTurn(turn(tenantId, neighbour.id, { follows: [follow] }));
      await store.commitTurn(turn(tenantId, neighbour.id, { follows: [follow] })); // following twice is harmless
      const listed = await store.listRequestsForContact(tenantId, neighbour.contactId, 10);
      expect(listed.map((r) => r.reference)).toEqual([request.reference]);
      // A follower may follow it up by reference too.
      expect((await store.getRequestForContact(tenantId, request.reference, neighbour.contactId))?.id).toBe(
        existing?.id,
      );
    });

    it('refuses to follow a request that does not exist, and writes nothing of that turn', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      await expectGuichetError(
        store.commitTurn(
          turn(tenantId, conv.id, {
            messages: [{ direction: 'in', text: 'moi aussi' }],
            follows: [{ requestId: randomUUID(), contactId: conv.contactId }],
          }),
        ),
        'NOT_FOUND',
      );
      expect(await store.listMessages(tenantId, conv.id)).toEqual([]);
    });

    it('delivers an outbox item once even when a turn is replayed', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const outbox = [
        {
          kind: 'notification',
          payload: { text: 'Votre demande a été prise en compte.' },
          dedupeKey: `n:${randomUUID()}`,
        },
      ];
      await store.commitTurn(turn(tenantId, conv.id, { outbox }));
      await store.commitTurn(turn(tenantId, conv.id, { outbox }));
      expect(await count('SELECT count(*) AS n FROM outbox WHERE tenant_id = $1', [tenantId])).toBe(1);
      const rows = await fx.query('SELECT kind, payload, status, attempts FROM outbox WHERE tenant_id = $1', [
        tenantId,
      ]);
      expect(rows[0]).toEqual({
        kind: 'notification',
        payload: outbox[0]?.payload,
        status: 'pending',
        attempts: 0,
      });
    });

    it('lists a contact’s requests newest first, up to the limit', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const refs: string[] = [];
      for (let i = 0; i < 3; i++) {
        const request = await newRequest(tenantId, conv);
        refs.push(request.reference);
        await store.commitTurn(turn(tenantId, conv.id, { requests: [request] }));
      }
      const listed = await store.listRequestsForContact(tenantId, conv.contactId, 2);
      expect(listed.map((r) => r.reference)).toEqual([refs[2], refs[1]]);
    });

    it('finds open requests of the same type and category within a radius, nearest first', async () => {
      const tenantId = await newTenant();
      const conv = await store.openConversation({ tenantId, channel: 'sms', address: phone() });
      const here: GeoPoint = { lat: 43.4595, lon: 3.4231 };
      // ~1 m of latitude is 1/111 000 degree.
      const at = (metresNorth: number, metresEast = 0): GeoPoint => ({
        lat: here.lat + metresNorth / 111_195,
        lon: here.lon + metresEast / (111_195 * Math.cos((here.lat * Math.PI) / 180)),
      });
      const make = (name: string, location: GeoPoint, payload: Record<string, unknown>, type = 'incident') =>
        newRequest(tenantId, conv, { type, location, payload: { ...payload, name } });
      const near = await make('near', at(10), { category: 'voirie' });
      const east = await make('east-80m', at(0, 80), { category: 'voirie' });
      const far = await make('far-300m', at(-300), { category: 'voirie' });
      const light = await make('light', at(5), { category: 'eclairage' });
      const otherType = await make('other-type', at(5), { category: 'voirie' }, 'school_registration');
      const resolved = await make('resolved', at(1), { category: 'voirie' });
      await store.commitTurn(
        turn(tenantId, conv.id, { requests: [far, east, near, light, otherType, resolved] }),
      );
      await fx.query("UPDATE requests SET status = 'resolved' WHERE reference = $1", [resolved.reference]);
      const otherTenant = await newTenant();
      const otherConv = await store.openConversation({
        tenantId: otherTenant,
        channel: 'sms',
        address: phone(),
      });
      await store.commitTurn(
        turn(otherTenant, otherConv.id, {
          requests: [await newRequest(otherTenant, otherConv, { location: at(1) })],
        }),
      );

      const names = async (category: string | undefined, radiusM: number): Promise<unknown[]> =>
        (
          await store.findOpenRequestsNear({ tenantId, type: 'incident', category, point: here, radiusM })
        ).map((r) => r.payload.name);
      expect(await names('voirie', 100)).toEqual(['near', 'east-80m']);
      expect(await names(undefined, 100)).toEqual(['light', 'near', 'east-80m']);
      expect(await names('voirie', 500)).toEqual(['near', 'east-80m', 'far-300m']);
      expect(await names('voirie', 5)).toEqual([]);
      const [first] = await store.findOpenRequestsNear({
        tenantId,
        type: 'incident',
        category: 'voirie',
        point: here,
        radiusM: 100,
      });
      expect(first?.events).toHaveLength(1);
    });
  });

  // No channel list in the schema (migration 0005): a channel added in code stores without a migration.
  describe('channel names', () => {
    it('stores the conversation, transcript and request of a channel no migration knows', async () => {
      const tenantId = await newTenant();
      const conversation = await store.openConversation({ tenantId, channel: 'telegram', address: '4242' });
      const request = await newRequest(tenantId, conversation, { channel: 'telegram' });
      await store.commitTurn(
        turn(tenantId, conversation.id, {
          messages: [{ direction: 'in', text: 'Un lampadaire est éteint' }],
          requests: [request],
        }),
      );
      const again = await store.findConversation({ tenantId, channel: 'telegram', address: '4242' });
      expect(again).toMatchObject({ id: conversation.id, channel: 'telegram' });
      expect((await store.getRequestByReference(tenantId, request.reference))?.channel).toBe('telegram');
    });

    it('refuses a malformed channel name as a bad request', async () => {
      const tenantId = await newTenant();
      await expectGuichetError(
        store.openConversation({ tenantId, channel: 'Télégramme !', address: '4242' }),
        'BAD_REQUEST',
      );
    });
  });
}
