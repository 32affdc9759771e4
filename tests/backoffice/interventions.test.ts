// Interventions (work orders) through the API, as a commune's technical services use them: a supervisor plans the
// repair of a street lamp for the Éclairage team, the citizen (web chat, SMS, WhatsApp in English) and a neighbour
// who follows the report are told the day; the team reports the work started and done (or impossible, with the
// reason) and the request follows: in progress, then resolved only when every intervention is done. An agent of
// another team neither sees nor updates it; an external tool updates it with a tenant token, idempotently.
import request from 'supertest';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import {
  ADMIN_TOKEN,
  backofficeContainer,
  bearer,
  incidentPayload,
  issueToken,
  OTHER_TENANT,
  rows,
  seedConversation,
  CONTAINER_TIMEOUT_MS,
} from './support';

describe('interventions', () => {
  let container: Container;
  let supervisor: string;
  let machine: string;
  let lighting: { token: string; agentId: string | null };
  let roads: { token: string; agentId: string | null };
  let eclairage: string;
  let voirie: string;
  const api = () => request(container.app);

  /** A street-lamp report made on `channel`, with its conversation. */
  async function lampReport(channel: 'webchat' | 'sms' | 'whatsapp' = 'webchat') {
    const seeded = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      channel,
      requests: [
        {
          type: 'report_incident',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          location: { lat: 47.1102, lon: 5.9201 },
          payload: incidentPayload('eclairage', 'Le lampadaire devant la mairie ne s’allume plus', {
            contact: { kind: 'phone', value: '+33699887766' },
          }),
        },
      ],
    });
    return { ...seeded, reference: seeded.references[0]! };
  }

  const plan = (reference: string, body: Record<string, unknown>, token = supervisor) =>
    api().post(`/api/v1/requests/${reference}/interventions`).set(bearer(token)).send(body);
  const report = (id: string, body: Record<string, unknown>, token: string) =>
    api().post(`/api/v1/interventions/${id}/status`).set(bearer(token)).send(body);

  /** What the conversation's citizen was sent (outbox) and what their transcript says last. */
  async function told(conversationId: string) {
    const sent = await rows<{ payload: { channel: string; to: string; text: string } }>(
      container,
      `SELECT payload FROM outbox WHERE kind = 'notification' AND payload ->> 'conversationId' = $1 ORDER BY id`,
      [conversationId],
    );
    const transcript = await rows<{ text: string }>(
      container,
      `SELECT text FROM messages WHERE conversation_id = $1 AND direction = 'out' ORDER BY id`,
      [conversationId],
    );
    return { sent: sent.map((s) => s.payload), transcript: transcript.map((t) => t.text) };
  }

  const requestStatus = async (reference: string) =>
    (await api().get(`/api/v1/requests/${reference}`).set(bearer(supervisor))).body.status as string;

  beforeAll(async () => {
    container = await backofficeContainer({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
    supervisor = (await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT })).token;
    // An external intervention-management tool: a tenant token that is no person.
    machine = (await issueToken(container, { role: 'admin', tenantId: DEMO_TENANT, name: 'GMAO' })).token;
    lighting = await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Lou Éclairage' });
    roads = await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Sam Voirie' });
    const team = async (name: string, member: string | null) => {
      const res = await api()
        .post('/api/v1/teams')
        .set(bearer(ADMIN_TOKEN))
        .send({ tenantId: DEMO_TENANT, name, memberIds: [member] });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    eclairage = await team('Éclairage public', lighting.agentId);
    voirie = await team('Voirie', roads.agentId);
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  it('plans an intervention: the request is in progress, the citizen is told the day, the timeline says it', async () => {
    const hook = await api()
      .post('/api/v1/webhooks')
      .set(bearer(ADMIN_TOKEN))
      .send({
        tenantId: DEMO_TENANT,
        url: 'http://127.0.0.1:9/hooks',
        events: ['intervention.created', 'intervention.status_changed'],
      });
    expect(hook.status).toBe(201);
    const lamp = await lampReport('webchat');
    const res = await plan(lamp.reference, {
      teamId: eclairage,
      what: 'Remplacer l’ampoule du lampadaire',
      plannedFor: '2026-12-12',
      priority: 'high',
      notes: 'Nacelle nécessaire',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      teamId: eclairage,
      what: 'Remplacer l’ampoule du lampadaire',
      plannedFor: '2026-12-12',
      priority: 'high',
      notes: 'Nacelle nécessaire',
      status: 'planned',
      requestStatus: 'in_progress',
    });
    expect(await requestStatus(lamp.reference)).toBe('in_progress');

    const { sent, transcript } = await told(lamp.conversationId);
    const notice = `Une intervention est prévue le 12/12/2026 pour votre signalement ${lamp.reference} (Éclairage public).`;
    expect(sent).toEqual([expect.objectContaining({ channel: 'webchat', to: lamp.address, text: notice })]);
    expect(transcript.at(-1)).toBe(notice);

    const timeline = await api().get(`/api/v1/requests/${lamp.reference}/timeline`).set(bearer(supervisor));
    const entry = timeline.body.items.find((i: { kind: string }) => i.kind === 'intervention');
    expect(entry).toMatchObject({
      label: 'Intervention prévue',
      text: 'Remplacer l’ampoule du lampadaire · Équipe : Éclairage public · prévue le 12/12/2026 · priorité haute · Demande : En cours',
    });
    const events = await rows<{ kind: string; payload: Record<string, unknown> }>(
      container,
      `SELECT kind, payload FROM outbox WHERE payload ->> 'requestId' = $1 AND kind <> 'notification' ORDER BY id`,
      [res.body.requestId],
    );
    expect(events).toEqual([
      {
        kind: 'request.status_changed',
        payload: expect.objectContaining({ reference: lamp.reference, from: 'received', to: 'in_progress' }),
      },
      {
        kind: 'intervention.created',
        payload: expect.objectContaining({
          tenantId: DEMO_TENANT,
          requestId: res.body.requestId,
          reference: lamp.reference,
          interventionId: res.body.id,
          teamId: eclairage,
          from: null,
          to: 'planned',
          plannedFor: '2026-12-12',
        }),
      },
    ]);
    const audit = await rows(
      container,
      `SELECT 1 FROM audit_log WHERE action = 'intervention.create' AND target_id = $1`,
      [res.body.id],
    );
    expect(audit).toHaveLength(1);
    // The relay fans the event out to the receiver registered for it, as it does request.status_changed.
    await container.backoffice.relay.runOnce();
    const deliveries = await rows(
      container,
      `SELECT 1 FROM outbox WHERE kind = 'webhook' AND payload ->> 'event' = 'intervention.created'
         AND payload ->> 'subscriptionId' = $1 AND payload ->> 'requestId' = $2`,
      [hook.body.id, res.body.requestId],
    );
    expect(deliveries).toHaveLength(1);
  });

  it('tells an SMS citizen, a WhatsApp citizen in English, and a neighbour who follows the report', async () => {
    const sms = await lampReport('sms');
    const neighbour = await seedConversation(container, { tenantId: DEMO_TENANT, channel: 'sms' });
    const detail = await api().get(`/api/v1/requests/${sms.reference}`).set(bearer(supervisor));
    await container.store.commitTurn({
      tenantId: DEMO_TENANT,
      conversationId: neighbour.conversationId,
      messages: [],
      requests: [],
      outbox: [],
      follows: [{ requestId: detail.body.id, contactId: neighbour.contactId }],
    });
    const created = await plan(sms.reference, {
      teamId: eclairage,
      what: 'Réparer',
      plannedFor: '2026-12-14',
    });
    expect(created.status).toBe(201);
    const toSms = await told(sms.conversationId);
    expect(toSms.sent).toEqual([
      expect.objectContaining({
        channel: 'sms',
        to: sms.address,
        text: `Une intervention est prévue le 14/12/2026 pour votre signalement ${sms.reference} (Éclairage public).`,
      }),
    ]);
    expect(toSms.transcript.at(-1)).toContain('Une intervention est prévue le 14/12/2026');
    const toNeighbour = await told(neighbour.conversationId);
    const followerNotice = `Une intervention est prévue le 14/12/2026 pour le signalement ${sms.reference} (Éclairage public) que vous suivez.`;
    expect(toNeighbour.sent).toEqual([expect.objectContaining({ channel: 'sms', text: followerNotice })]);
    expect(toNeighbour.transcript.at(-1)).toBe(followerNotice);

    // Done: the citizen and the neighbour learn it is done, and that the request is resolved.
    const done = await report(
      created.body.id,
      { status: 'done', comment: 'Ampoule changée' },
      lighting.token,
    );
    expect(done.status).toBe(200);
    expect((await told(sms.conversationId)).sent.at(-1)?.text).toBe(
      `L’intervention est terminée pour votre signalement ${sms.reference} (Éclairage public). La demande est maintenant résolue.` +
        '\nÊtes-vous satisfait(e) ? Répondez de 1 (pas du tout) à 5 (tout à fait).',
    );
    expect((await told(neighbour.conversationId)).transcript.at(-1)).toContain(
      `L’intervention est terminée pour le signalement ${sms.reference} (Éclairage public) que vous suivez.`,
    );

    const whatsapp = await lampReport('whatsapp');
    await container.state.set(`conv:${whatsapp.conversationId}`, { locale: 'en', form: null }, 0, 3600);
    expect((await plan(whatsapp.reference, { what: 'Repair', plannedFor: '2026-12-15' })).status).toBe(201);
    const toWhatsapp = await told(whatsapp.conversationId);
    expect(toWhatsapp.sent).toEqual([
      expect.objectContaining({
        channel: 'whatsapp',
        to: whatsapp.address,
        text: `A repair visit is planned on 15/12/2026 for your report ${whatsapp.reference} (Street lighting).`,
      }),
    ]);
    expect(toWhatsapp.transcript.at(-1)).toContain('A repair visit is planned on 15/12/2026');
  });

  it('lists a request’s interventions, and each team’s own in the work list, with where and what but no contact', async () => {
    const lamp = await lampReport();
    const mine = await plan(lamp.reference, {
      teamId: eclairage,
      what: 'Changer la lanterne',
      plannedFor: '2026-12-20',
    });
    const theirs = await plan(lamp.reference, { teamId: voirie, what: 'Reboucher la tranchée' });
    expect([mine.status, theirs.status]).toEqual([201, 201]);

    const ofRequest = await api()
      .get(`/api/v1/requests/${lamp.reference}/interventions`)
      .set(bearer(supervisor));
    expect(ofRequest.status).toBe(200);
    expect(ofRequest.body.items.map((i: { what: string }) => i.what)).toEqual([
      'Changer la lanterne',
      'Reboucher la tranchée',
    ]);

    const list = await api().get('/api/v1/interventions?plannedFor=2026-12-20').set(bearer(lighting.token));
    expect(list.status).toBe(200);
    const found = list.body.items.find((i: { id: string }) => i.id === mine.body.id);
    expect(found.request).toEqual({
      reference: lamp.reference,
      type: 'report_incident',
      status: 'in_progress',
      category: 'eclairage',
      description: 'Le lampadaire devant la mairie ne s’allume plus',
      photoUrl: null,
      communeId: 'verniere',
      addressText: null,
      location: { lat: 47.1102, lon: 5.9201, label: null },
    });
    expect(JSON.stringify(list.body)).not.toContain('+33699887766');
    // Lou (Éclairage) never sees Voirie's work; Sam (Voirie) does not see Éclairage's.
    const lightingAll = await api().get('/api/v1/interventions').set(bearer(lighting.token));
    expect(lightingAll.body.items.every((i: { teamId: string }) => i.teamId === eclairage)).toBe(true);
    expect(lightingAll.body.items.some((i: { id: string }) => i.id === theirs.body.id)).toBe(false);
    const roadsAll = await api().get('/api/v1/interventions').set(bearer(roads.token));
    expect(roadsAll.body.items.map((i: { id: string }) => i.id)).toContain(theirs.body.id);
    expect(roadsAll.body.items.map((i: { id: string }) => i.id)).not.toContain(mine.body.id);
    // Nor updates it: another team's intervention is absent (404), not forbidden.
    expect((await report(mine.body.id, { status: 'in_progress' }, roads.token)).status).toBe(404);
    // Filters: a supervisor asks for one team, and for the planned ones.
    const byTeam = await api()
      .get(`/api/v1/interventions?team=${voirie}&status=planned`)
      .set(bearer(supervisor));
    expect(byTeam.body.items.length).toBeGreaterThan(0);
    expect(
      byTeam.body.items.every(
        (i: { teamId: string; status: string }) => i.teamId === voirie && i.status === 'planned',
      ),
    ).toBe(true);
    // Another tenant's token does not see this tenant's work at all.
    const stranger = (await issueToken(container, { role: 'supervisor', tenantId: OTHER_TENANT })).token;
    expect((await api().get('/api/v1/interventions').set(bearer(stranger))).body.items).toEqual([]);
    expect((await report(mine.body.id, { status: 'done' }, stranger)).status).toBe(404);
    expect((await plan(lamp.reference, { what: 'X' }, stranger)).status).toBe(404);
  });

  it('follows the work: started, one done (not yet resolved), then all done (resolved); impossible leaves it open', async () => {
    const lamp = await lampReport();
    const first = await plan(lamp.reference, { teamId: eclairage, what: 'Changer l’ampoule' });
    const second = await plan(lamp.reference, { teamId: eclairage, what: 'Repeindre le mât' });
    // Without a day, the citizen is told the work is scheduled (once per intervention).
    expect((await told(lamp.conversationId)).sent.at(-1)?.text).toBe(
      `Une intervention est programmée pour votre signalement ${lamp.reference} (Éclairage public). Nous vous préviendrons quand elle sera terminée.`,
    );
    const started = await report(first.body.id, { status: 'in_progress' }, lighting.token);
    expect(started.body).toMatchObject({ status: 'in_progress', requestStatus: 'in_progress' });
    const before = (await told(lamp.conversationId)).sent.length;
    expect(before).toBe(2);

    const oneDone = await report(
      first.body.id,
      { status: 'done', comment: 'Fait', photoUrl: 'https://media.example.org/fait.jpg' },
      lighting.token,
    );
    expect(oneDone.body).toMatchObject({
      status: 'done',
      doneComment: 'Fait',
      donePhoto: 'https://media.example.org/fait.jpg',
      requestStatus: 'in_progress',
    });
    expect((await told(lamp.conversationId)).sent.at(-1)?.text).toBe(
      `L’intervention est terminée pour votre signalement ${lamp.reference} (Éclairage public). D’autres interventions restent à faire.`,
    );
    const allDone = await report(second.body.id, { status: 'done' }, lighting.token);
    expect(allDone.body.requestStatus).toBe('resolved');
    expect(await requestStatus(lamp.reference)).toBe('resolved');
    const changes = await rows<{ payload: { from: string; to: string } }>(
      container,
      `SELECT payload FROM outbox WHERE kind = 'request.status_changed' AND payload ->> 'reference' = $1 ORDER BY id`,
      [lamp.reference],
    );
    expect(changes.map((c) => `${c.payload.from}→${c.payload.to}`)).toEqual([
      'received→in_progress',
      'in_progress→resolved',
    ]);
    const statusEvents = await rows<{ payload: { from: string; to: string; comment?: string } }>(
      container,
      `SELECT payload FROM outbox WHERE kind = 'intervention.status_changed' AND payload ->> 'interventionId' = $1 ORDER BY id`,
      [first.body.id],
    );
    expect(statusEvents.map((e) => [e.payload.from, e.payload.to, e.payload.comment])).toEqual([
      ['planned', 'in_progress', undefined],
      ['in_progress', 'done', 'Fait'],
    ]);

    // Work that cannot be done: the request stays open for an agent, nobody is told it is resolved.
    const other = await lampReport();
    const blocked = await plan(other.reference, { teamId: eclairage, what: 'Changer le câble' });
    const toldBefore = await told(other.conversationId);
    const impossible = await report(
      blocked.body.id,
      { status: 'cannot_do', reason: 'Câble ENEDIS : hors de notre compétence' },
      lighting.token,
    );
    expect(impossible.status).toBe(200);
    expect(impossible.body).toMatchObject({
      status: 'cannot_do',
      reason: 'Câble ENEDIS : hors de notre compétence',
      requestStatus: 'in_progress',
    });
    expect(await requestStatus(other.reference)).toBe('in_progress');
    const after = await told(other.conversationId);
    expect(after).toEqual(toldBefore);
    expect(after.transcript.join(' ')).not.toMatch(/résolue|L’intervention est terminée/);
    const timeline = await api().get(`/api/v1/requests/${other.reference}/timeline`).set(bearer(supervisor));
    expect(timeline.body.items.at(-1)).toMatchObject({
      label: 'Intervention impossible à réaliser',
      text: 'Changer le câble · Équipe : Éclairage public · Motif : Câble ENEDIS : hors de notre compétence',
    });
  });

  it('refuses moves the work cannot make (409) and bad input (400), writing nothing', async () => {
    const lamp = await lampReport();
    const created = await plan(lamp.reference, { teamId: eclairage, what: 'Changer l’ampoule' });
    const id = created.body.id as string;
    const eventsBefore = await rows(container, `SELECT 1 FROM request_events WHERE request_id = $1`, [
      created.body.requestId,
    ]);
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ status: 'cannot_do' }, /body\.reason: a reason is required/],
      [{ status: 'planned' }, /body\.status/],
      [{ status: 'in_progress', comment: 'déjà' }, /body\.comment/],
      [{ status: 'done', photoUrl: 'javascript:alert(1)' }, /body\.photoUrl/],
      [{ status: 'done', extra: true }, /body/],
      [{ status: 'done', clientId: '' }, /body\.clientId/],
    ];
    for (const [body, message] of bad) {
      const res = await report(id, body, lighting.token);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      expect(res.body.error.message).toMatch(message);
    }
    const badPlans: Record<string, unknown>[] = [
      { what: '' },
      { what: 'X', plannedFor: '2026-13-40' },
      { what: 'X', priority: 'asap' },
      { what: 'X', teamId: 'eclairage' },
      { what: 'X', teamId: '00000000-0000-4000-8000-000000000000' },
      { what: 'X', extra: 1 },
    ];
    for (const body of badPlans) {
      const res = await plan(lamp.reference, body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
    }
    expect((await plan(lamp.reference, { what: 'X' }, lighting.token)).status).toBe(403);
    expect((await plan('DEM-2026-ZZZZZZ', { what: 'X' })).status).toBe(404);
    expect(
      (await report('00000000-0000-4000-8000-000000000000', { status: 'done' }, lighting.token)).status,
    ).toBe(404);
    expect(
      await rows(container, `SELECT 1 FROM request_events WHERE request_id = $1`, [created.body.requestId]),
    ).toHaveLength(eventsBefore.length);

    expect((await report(id, { status: 'done' }, lighting.token)).status).toBe(200);
    const again = await report(id, { status: 'in_progress' }, lighting.token);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(
      'L’intervention est « Terminée » : elle ne peut pas passer à « En cours ».',
    );
    expect((await report(id, { status: 'done' }, lighting.token)).status).toBe(409);
    expect((await report(id, { status: 'cannot_do', reason: 'trop tard' }, lighting.token)).status).toBe(409);
    // A resolved request takes no new work until an agent reopens it.
    const closed = await plan(lamp.reference, { what: 'Encore' });
    expect(closed.status).toBe(409);
    expect(closed.body.error.message).toContain('La demande est close');
  });

  it('lets an external tool report work with a tenant token, once per clientId', async () => {
    const lamp = await lampReport();
    const created = await plan(lamp.reference, {
      teamId: voirie,
      what: 'Reboucher',
      clientId: 'gmao-ot-4512',
    });
    const replayedCreate = await plan(lamp.reference, {
      teamId: voirie,
      what: 'Reboucher',
      clientId: 'gmao-ot-4512',
    });
    expect(replayedCreate.body).toEqual(created.body);
    expect(
      await rows(container, `SELECT 1 FROM interventions WHERE client_id = 'gmao-ot-4512'`),
    ).toHaveLength(1);

    const body = { status: 'done', comment: 'Enrobé à froid', clientId: 'gmao-4512-done' };
    const first = await report(created.body.id, body, machine);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'done', requestStatus: 'resolved' });
    const replay = await report(created.body.id, body, machine);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    const events = await rows(
      container,
      `SELECT actor FROM request_events WHERE request_id = $1 AND kind = 'intervention' ORDER BY id`,
      [created.body.requestId],
    );
    expect(events).toHaveLength(2);
    expect((events[1] as { actor: string }).actor).toMatch(/^token:/);
    expect(
      await rows(
        container,
        `SELECT 1 FROM outbox WHERE kind = 'intervention.status_changed' AND payload ->> 'interventionId' = $1`,
        [created.body.id],
      ),
    ).toHaveLength(1);
    expect(
      await rows(
        container,
        `SELECT 1 FROM outbox WHERE kind = 'notification' AND payload ->> 'conversationId' = $1 AND payload ->> 'text' LIKE 'L’intervention est terminée%'`,
        [lamp.conversationId],
      ),
    ).toHaveLength(1);
    // The same key for another change is a mistake of the caller, said plainly.
    const misuse = await report(
      created.body.id,
      { status: 'cannot_do', reason: 'x', clientId: 'gmao-4512-done' },
      machine,
    );
    expect(misuse.status).toBe(409);
    expect(misuse.body.error.message).toContain('clientId');
  });
});
