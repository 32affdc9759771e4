// Contract of RequestStore: what an agent relies on when handling requests — only their tenant's (and
// authority's) requests, stable pages newest first, filters that mean what they say, status changes that
// write their history, notices and notifications together or not at all.
import { GuichetError } from '../../bot/errors';
import type { RequestStatusUpdate, RequestStore } from '../../backoffice/ports';
import { count, everywhere, newTenant, seed, tenantScope, type Db } from './backoffice-fixture';
import { expectGuichetError, UUID_VERSION_7 } from './helpers';

export function requestStoreContract(db: Db, port: () => RequestStore): void {
  const notice = (status: RequestStatusUpdate['status'], text: string): RequestStatusUpdate => ({
    status,
    actor: 'agent:lou',
    note: text,
    messages: [{ direction: 'out', text }],
    outbox: [],
  });

  describe('RequestStore', () => {
    describe('scoping', () => {
      it('shows an agent only the requests of their tenant, and of their authority when they have one', async () => {
        const a = await newTenant(db);
        const b = await newTenant(db);
        const voirie = await seed(db, a, { requests: [{ authorityId: 'voirie' }] });
        const ecoles = await seed(db, a, { requests: [{ authorityId: 'ecoles' }] });
        const other = await seed(db, b, { requests: [{ authorityId: 'voirie' }] });
        const [v, e, o] = [voirie.requests[0]!, ecoles.requests[0]!, other.requests[0]!];

        const ofTenant = await port().listRequests(tenantScope(a), { limit: 50 });
        expect(ofTenant.items.map((r) => r.reference).sort()).toEqual([v.reference, e.reference].sort());
        const ofAuthority = await port().listRequests(tenantScope(a, 'voirie'), { limit: 50 });
        expect(ofAuthority.items.map((r) => r.reference)).toEqual([v.reference]);

        // Another tenant's request does not exist for them, by id or by reference.
        expect(await port().getRequest(tenantScope(a), o.id)).toBeNull();
        expect(await port().getRequestByReference(tenantScope(a), o.reference)).toBeNull();
        expect(await port().getRequest(tenantScope(a, 'ecoles'), v.id)).toBeNull();
        expect(await port().getRequest(tenantScope(b), o.id)).toMatchObject({ reference: o.reference });
        expect(await port().getRequest(everywhere, o.id)).toMatchObject({ tenantId: b });
      });

      it('finds a request by reference in any case, or by id; anything else is simply absent', async () => {
        const a = await newTenant(db);
        const { requests, conversationId } = await seed(db, a, { requests: [{ authorityId: 'voirie' }] });
        const r = requests[0]!;
        const found = await port().getRequestByReference(tenantScope(a), ` ${r.reference.toLowerCase()} `);
        expect(found).toMatchObject({
          id: r.id,
          reference: r.reference,
          status: 'received',
          events: [{ status: 'received' }],
          conversation: { id: conversationId },
        });
        expect(await port().getRequestByReference(tenantScope(a), r.id.toUpperCase())).toMatchObject({
          reference: r.reference,
        });
        expect(await port().getRequestByReference(tenantScope(a), 'DEM-2026-999999999')).toBeNull();
        expect(await port().getRequestByReference(tenantScope(a), "x' OR 1=1 --")).toBeNull();
        expect(await port().getRequest(tenantScope(a), 'not-a-uuid')).toBeNull();
      });
    });

    describe('pages and filters', () => {
      it('pages newest first, each request once, until nextCursor is null', async () => {
        const a = await newTenant(db);
        const references: string[] = [];
        for (let i = 0; i < 5; i++) {
          const seeded = await seed(db, a, { requests: [{ authorityId: 'voirie' }] });
          references.push(seeded.requests[0]!.reference);
        }
        const seen: string[] = [];
        let cursor: string | undefined;
        const sizes: number[] = [];
        do {
          const page = await port().listRequests(tenantScope(a), { limit: 2, cursor });
          sizes.push(page.items.length);
          seen.push(...page.items.map((r) => r.reference));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(sizes).toEqual([2, 2, 1]);
        expect(seen).toEqual([...references].reverse());
      });

      it('refuses a cursor it did not issue with BAD_REQUEST', async () => {
        const a = await newTenant(db);
        await expectGuichetError(
          port().listRequests(tenantScope(a), { limit: 2, cursor: 'bm90LWEtY3Vyc29y' }),
          'BAD_REQUEST',
        );
      });

      it('filters by type, status, commune, channel, category, references and text', async () => {
        const a = await newTenant(db);
        const lamp = await seed(db, a, {
          channel: 'sms',
          requests: [
            {
              authorityId: 'voirie',
              communeId: '34199',
              payload: { category: 'eclairage', description: 'Lampadaire éteint rue Conti' },
            },
          ],
        });
        const school = await seed(db, a, {
          channel: 'webchat',
          requests: [
            {
              authorityId: 'ecoles',
              type: 'school_registration',
              communeId: '34300',
              payload: { child: 'Léa', school: 'Jules Ferry' },
            },
          ],
        });
        const refs = async (filter: Omit<Parameters<RequestStore['listRequests']>[1], 'limit'>) =>
          (await port().listRequests(tenantScope(a), { limit: 50, ...filter })).items.map((r) => r.reference);
        const [l, s] = [lamp.requests[0]!.reference, school.requests[0]!.reference];

        expect(await refs({ type: 'school_registration' })).toEqual([s]);
        expect(await refs({ types: ['report_incident', 'school_registration'] })).toEqual([s, l]);
        expect(await refs({ commune: '34199' })).toEqual([l]);
        expect(await refs({ channel: 'webchat' })).toEqual([s]);
        expect(await refs({ authority: 'voirie' })).toEqual([l]);
        expect(await refs({ categories: ['eclairage'] })).toEqual([l]);
        expect(await refs({ references: [l.toLowerCase()] })).toEqual([l]);
        expect(await refs({ q: 'rue conti' })).toEqual([l]);
        // LIKE wildcards typed by the agent are literal characters.
        expect(await refs({ q: '%' })).toEqual([]);
        expect(await refs({ q: '_' })).toEqual([]);
        expect(await refs({ status: ['in_progress'] })).toEqual([]);
        expect(await refs({ status: ['received'] })).toEqual([s, l]);
        expect(await refs({ from: new Date(Date.now() + 3_600_000) })).toEqual([]);
        expect(await refs({ to: new Date(Date.now() + 3_600_000) })).toEqual([s, l]);
      });
    });

    describe('status changes', () => {
      it('writes the status, its event, the notice in the transcript and the outbox rows together', async () => {
        const a = await newTenant(db);
        const { requests, conversationId } = await seed(db, a, { requests: [{ authorityId: 'voirie' }] });
        const r = requests[0]!;
        const seen: unknown[] = [];
        const changed = await port().changeRequestStatus(tenantScope(a, 'voirie'), r.id, (current) => {
          seen.push(current.request.status, current.conversation?.id, current.contactOptedOut);
          return {
            ...notice('in_progress', 'Une équipe intervient cette semaine.'),
            outbox: [
              { kind: 'notification', payload: { reference: r.reference }, dedupeKey: `n:${r.reference}:1` },
            ],
          };
        });
        expect(seen).toEqual(['received', conversationId, false]);
        expect(changed).toMatchObject({
          status: 'in_progress',
          statusNote: 'Une équipe intervient cette semaine.',
          resolvedAt: null,
          events: [
            { status: 'received' },
            { status: 'in_progress', note: 'Une équipe intervient cette semaine.', actor: 'agent:lou' },
          ],
        });
        const transcript = await db().query(
          'SELECT direction, text FROM messages WHERE conversation_id = $1 ORDER BY id',
          [conversationId],
        );
        expect(transcript.at(-1)).toEqual({ direction: 'out', text: 'Une équipe intervient cette semaine.' });
        expect(
          await count(db, 'SELECT count(*) AS n FROM outbox WHERE dedupe_key = $1', [`n:${r.reference}:1`]),
        ).toBe(1);
      });

      it('dates the resolution, and clears it when the request is reopened', async () => {
        const a = await newTenant(db);
        const r = (await seed(db, a, { requests: [{ authorityId: 'voirie' }] })).requests[0]!;
        const resolved = await port().changeRequestStatus(tenantScope(a), r.id, () =>
          notice('resolved', 'Réparé.'),
        );
        expect(resolved?.resolvedAt).toEqual(expect.any(String));
        const reopened = await port().changeRequestStatus(tenantScope(a), r.id, () =>
          notice('in_progress', 'Rouvert : la panne est revenue.'),
        );
        expect(reopened).toMatchObject({ status: 'in_progress', resolvedAt: null });
        expect(reopened?.events.map((e) => e.status)).toEqual(['received', 'resolved', 'in_progress']);
      });

      it('writes nothing when the plan refuses', async () => {
        const a = await newTenant(db);
        const { requests, conversationId } = await seed(db, a, { requests: [{ authorityId: 'voirie' }] });
        const r = requests[0]!;
        const before = await count(db, 'SELECT count(*) AS n FROM messages WHERE conversation_id = $1', [
          conversationId,
        ]);
        await expectGuichetError(
          port().changeRequestStatus(tenantScope(a), r.id, () => {
            throw new GuichetError('CONFLICT', 'already resolved');
          }),
          'CONFLICT',
        );
        expect(await port().getRequest(tenantScope(a), r.id)).toMatchObject({
          status: 'received',
          events: [{ status: 'received' }],
        });
        expect(
          await count(db, 'SELECT count(*) AS n FROM messages WHERE conversation_id = $1', [conversationId]),
        ).toBe(before);
      });

      it('does not let another tenant or authority change a request (the plan is never asked)', async () => {
        const a = await newTenant(db);
        const b = await newTenant(db);
        const r = (await seed(db, a, { requests: [{ authorityId: 'voirie' }] })).requests[0]!;
        const plan = jest.fn(() => notice('rejected', 'Non.'));
        expect(await port().changeRequestStatus(tenantScope(b), r.id, plan)).toBeNull();
        expect(await port().changeRequestStatus(tenantScope(a, 'ecoles'), r.id, plan)).toBeNull();
        expect(plan).not.toHaveBeenCalled();
        expect((await port().getRequest(tenantScope(a), r.id))?.status).toBe('received');
      });

      it('tells the plan who follows the request, and writes their notices in their own transcripts', async () => {
        const a = await newTenant(db);
        const reporter = await seed(db, a, { requests: [{ authorityId: 'voirie' }] });
        const r = reporter.requests[0]!;
        const follower = await seed(db, a, { channel: 'webchat', follows: [r.id] });
        const changed = await port().changeRequestStatus(tenantScope(a), r.id, (current) => {
          expect(current.followers.map((f) => [f.conversation.id, f.optedOut])).toEqual([
            [follower.conversationId, false],
          ]);
          return {
            ...notice('resolved', 'Le lampadaire est réparé.'),
            followerMessages: [
              {
                conversationId: follower.conversationId,
                messages: [{ direction: 'out', text: 'Réparé, merci !' }],
              },
            ],
          };
        });
        expect(changed?.status).toBe('resolved');
        const last = await db().query(
          'SELECT text FROM messages WHERE conversation_id = $1 ORDER BY id DESC LIMIT 1',
          [follower.conversationId],
        );
        expect(last).toEqual([{ text: 'Réparé, merci !' }]);
      });
    });

    describe('transfers and the territory’s shared view', () => {
      it('moves a request to another authority: off its team and agent, into that authority’s routed team, with its events and audit entry, answered though now out of the caller’s scope', async () => {
        const a = await newTenant(db);
        const r = (await seed(db, a, { requests: [{ authorityId: 'voirie' }] })).requests[0]!;
        const team = async (name: string, authorityId: string | null) =>
          String(
            (
              await db().query(
                'INSERT INTO teams (tenant_id, name, authority_id) VALUES ($1, $2, $3) RETURNING id',
                [a, name, authorityId],
              )
            )[0]?.id,
          );
        const [voirie, everyone, reseau] = [
          await team('Voirie', 'voirie'),
          await team('Tout le monde', null),
          await team('Réseau', 'eaux'),
        ];
        const lou = String(
          (await db().query(`INSERT INTO agents (tenant_id, name) VALUES ($1, 'Lou') RETURNING id`, [a]))[0]
            ?.id,
        );
        await db().query('INSERT INTO team_members (team_id, agent_id) VALUES ($1, $2)', [voirie, lou]);
        await port().assignRequest(tenantScope(a), r.id, { teamId: voirie, agentId: lou }, 'agent:lou');
        // A more specific rule names a team of no authority: the former holder's organisation, not the new one's.
        await db().query(
          `INSERT INTO routing_rules (tenant_id, request_type, category, team_id) VALUES ($1, 'report_incident', 'voirie', $2)`,
          [a, everyone],
        );
        await db().query(
          `INSERT INTO routing_rules (tenant_id, request_type, team_id) VALUES ($1, 'report_incident', $2)`,
          [a, reseau],
        );
        const moved = await port().changeRequestStatus(tenantScope(a, 'voirie'), r.id, (current) => ({
          status: current.request.status,
          kind: 'transfer',
          note: 'Réseau d’eau',
          details: { from: 'voirie', to: 'eaux', reason: 'Réseau d’eau' },
          transfer: { authorityId: 'eaux' },
          audit: { action: 'request.transfer', details: { from: 'voirie', to: 'eaux' } },
          actor: 'agent:lou',
          messages: [],
          outbox: [],
        }));
        expect(moved).toMatchObject({
          authorityId: 'eaux',
          status: 'received',
          teamId: reseau,
          assignedAgentId: null,
          assignedTo: null,
        });
        expect(moved?.events.slice(-2)).toEqual([
          expect.objectContaining({
            kind: 'transfer',
            note: 'Réseau d’eau',
            public: false,
            details: { from: 'voirie', to: 'eaux', reason: 'Réseau d’eau' },
            actor: 'agent:lou',
          }),
          expect.objectContaining({
            kind: 'assignment',
            actor: 'routage automatique',
            details: { teamId: reseau, agentId: null, routed: true },
          }),
        ]);
        expect(moved?.statusNote).toBeNull();
        expect(await port().getRequest(tenantScope(a, 'voirie'), r.id)).toBeNull();
        expect(await port().getRequest(tenantScope(a, 'eaux'), r.id)).toMatchObject({ authorityId: 'eaux' });
        expect(
          await db().query(
            `SELECT actor, details FROM audit_log WHERE target_id = $1 AND action = 'request.transfer'`,
            [r.id],
          ),
        ).toEqual([{ actor: 'agent:lou', details: { from: 'voirie', to: 'eaux' } }]);

        // An authority without a team of its own: the request waits unrouted.
        const back = await port().changeRequestStatus(tenantScope(a, 'eaux'), r.id, (current) => ({
          status: current.request.status,
          kind: 'transfer',
          transfer: { authorityId: 'ecoles' },
          actor: 'agent:lou',
          messages: [],
          outbox: [],
        }));
        expect(back).toMatchObject({ authorityId: 'ecoles', teamId: null });
        expect(back?.events.at(-1)).toMatchObject({ kind: 'transfer' });
      });

      it('lists the open requests of every authority of one tenant, newest first, with their place and nothing personal', async () => {
        const a = await newTenant(db);
        const b = await newTenant(db);
        const place = { lat: 43.46, lon: 3.42 };
        const older = (
          await seed(db, a, { requests: [{ authorityId: 'voirie', location: place, communeId: 'pezenas' }] })
        ).requests[0]!;
        const newer = (
          await seed(db, a, {
            requests: [
              {
                authorityId: 'eaux',
                payload: { category: 'eau', description: 'Fuite chez Mme Roux', contact: { kind: 'phone' } },
              },
            ],
          })
        ).requests[0]!;
        const closed = (await seed(db, a, { requests: [{ authorityId: 'voirie' }] })).requests[0]!;
        await port().changeRequestStatus(tenantScope(a), closed.id, () => notice('resolved', 'Fait.'));
        await seed(db, b, { requests: [{ authorityId: 'voirie' }] });
        await db().query(`UPDATE requests SET created_at = now() - interval '1 hour' WHERE id = $1`, [
          older.id,
        ]);

        const all = await port().listOpenRequests(a, { limit: 10 });
        expect(all).toEqual({
          truncated: false,
          items: [
            {
              reference: newer.reference,
              type: 'report_incident',
              category: 'eau',
              communeId: null,
              authorityId: 'eaux',
              status: 'received',
              createdAt: expect.any(String),
              location: null,
              address: null,
            },
            expect.objectContaining({
              reference: older.reference,
              category: 'voirie',
              communeId: 'pezenas',
              authorityId: 'voirie',
              location: place,
            }),
          ],
        });
        expect(JSON.stringify(all)).not.toMatch(/Roux|phone|Nid-de-poule/);
        const refs = async (filter: Partial<Parameters<RequestStore['listOpenRequests']>[1]>) =>
          (await port().listOpenRequests(a, { limit: 10, ...filter })).items.map((r) => r.reference);
        expect(await refs({ commune: 'pezenas' })).toEqual([older.reference]);
        expect(await refs({ category: 'eau' })).toEqual([newer.reference]);
        expect(await refs({ types: ['school_registration'] })).toEqual([]);
        expect(await refs({ bbox: { west: 3.4, south: 43.4, east: 3.5, north: 43.5 } })).toEqual([
          older.reference,
        ]);
        expect(await refs({ bbox: { west: 5, south: 46, east: 5.1, north: 46.1 } })).toEqual([]);
        expect(await port().listOpenRequests(a, { limit: 1 })).toMatchObject({
          truncated: true,
          items: [{ reference: newer.reference }],
        });
      });
    });

    describe('assignment and creation', () => {
      it('assigns within scope to an agent of the tenant, in the timeline and the audit log', async () => {
        const a = await newTenant(db);
        const b = await newTenant(db);
        const r = (await seed(db, a, { requests: [{ authorityId: 'voirie' }] })).requests[0]!;
        const lou = String(
          (
            await db().query(`INSERT INTO agents (tenant_id, name) VALUES ($1, 'Lou Martin') RETURNING id`, [
              a,
            ])
          )[0]?.id,
        );
        const stranger = String(
          (await db().query(`INSERT INTO agents (tenant_id, name) VALUES ($1, 'Max') RETURNING id`, [b]))[0]
            ?.id,
        );
        const toLou = { teamId: null, agentId: lou };
        expect(await port().assignRequest(tenantScope(b), r.id, toLou, 'agent:x')).toBeNull();
        const assigned = await port().assignRequest(tenantScope(a), r.id, toLou, 'supervisor:max');
        expect(assigned).toMatchObject({
          assignedAgentId: lou,
          assignedTo: 'Lou Martin',
          teamId: null,
          events: [
            { kind: 'status', status: 'received' },
            { kind: 'assignment', actor: 'supervisor:max', public: false, details: toLou },
          ],
        });
        expect(
          (await port().listRequests(tenantScope(a), { limit: 10, assignedTo: lou })).items.map((x) => x.id),
        ).toEqual([r.id]);
        expect(
          await db().query('SELECT actor, action, details FROM audit_log WHERE target_id = $1', [r.id]),
        ).toEqual([{ actor: 'supervisor:max', action: 'request.assign', details: toLou }]);
        // Another tenant's agent is refused and nothing is written.
        await expectGuichetError(
          port().assignRequest(tenantScope(a), r.id, { teamId: null, agentId: stranger }, 'supervisor:max'),
          'BAD_REQUEST',
        );
        const unassigned = await port().assignRequest(
          tenantScope(a),
          r.id,
          { teamId: null, agentId: null },
          'supervisor:max',
        );
        expect(unassigned).toMatchObject({ assignedTo: null, assignedAgentId: null });
        expect(unassigned?.events).toHaveLength(3);
      });

      it('creates a request outside any conversation with its received event and outbox rows, once', async () => {
        const a = await newTenant(db);
        const reference = await db().shared.reserveReference(new Date());
        const outbox = [
          { kind: 'request.created', payload: { reference }, dedupeKey: `request.created:${reference}` },
        ];
        const created = await port().createRequest(
          {
            tenantId: a,
            reference,
            type: 'report_incident',
            authorityId: 'voirie',
            communeId: '34199',
            channel: 'open311',
            payload: { category: 'voirie', description: 'Trou' },
            location: { lat: 43.46, lon: 3.42, label: 'Place du 14 juillet' },
            addressText: 'Place du 14 juillet, Pézenas',
            actor: 'open311:client',
          },
          [...outbox, ...outbox],
        );
        expect(created).toMatchObject({
          reference,
          status: 'received',
          channel: 'open311',
          conversationId: null,
          contactId: null,
          location: { lat: 43.46, lon: 3.42, label: 'Place du 14 juillet' },
        });
        // A time-ordered id (version 7), as the turn's requests get (see the shared store's contract).
        expect(created.id).toMatch(UUID_VERSION_7);
        expect(await port().getRequest(tenantScope(a), created.id)).toMatchObject({
          events: [{ status: 'received', actor: 'open311:client' }],
          conversation: null,
        });
        expect(
          await count(db, 'SELECT count(*) AS n FROM outbox WHERE dedupe_key = $1', [
            `request.created:${reference}`,
          ]),
        ).toBe(1);
      });
    });
  });
}
