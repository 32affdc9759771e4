// Contract of IndicatorStore: every indicator on a known data set against a hand count (comments say how each
// figure is counted), the period's bounds, ISO weeks and trend buckets in the territory's time zone, the backlog
// at a past date, one authority's share, and nothing of another tenant.
import type { IndicatorStore } from '../../backoffice/ports';
import { FIRST_EDGE_SECONDS, RATIO } from '../../adapters/postgres/backoffice/indicators-rollup';
import { newTenant, seed, type Db } from './backoffice-fixture';

const at = (iso: string) => new Date(iso);

/**
 * A delay percentile of a period with whole days in Paris, read from the daily roll-up's histograms: it lies in
 * the exact value's bin, so within a factor RATIO of it (within FIRST_EDGE_SECONDS below a minute). Counts stay
 * exact; only the seconds of medians and 90th percentiles are loosened, by that bound and no more.
 */
const withinOneBin = (exact: number) => ({
  $$typeof: Symbol.for('jest.asymmetricMatcher'),
  asymmetricMatch: (v: unknown) =>
    typeof v === 'number' &&
    (Math.abs(v - exact) <= FIRST_EDGE_SECONDS || (v >= exact / RATIO && v <= exact * RATIO)),
  toAsymmetricMatcher: () => `withinOneBin(${exact})`,
});
const spreadWithinOneBin = (count: number, median: number, p90: number) => ({
  count,
  median: withinOneBin(median),
  p90: withinOneBin(p90),
});

export function indicatorStoreContract(db: Db, port: () => IndicatorStore): void {
  describe('IndicatorStore', () => {
    let tenant: string;
    let teamId: string;
    const levels = [
      { type: 'report_incident', category: 'voirie', days: 1 },
      { type: 'report_incident', category: null, days: 5 },
      { type: 'school_registration', category: null, days: 3 },
    ];
    const period = { from: at('2026-03-01T00:00:00Z'), to: at('2026-03-16T00:00:00Z') };

    /**
     * Three requests and two conversations in March 2026:
     * - A: incident, sms, commune 34199, voirie; created Mon 9 March 10:00Z, taken 10:30Z, resolved 12:00Z;
     * - B: incident, sms, commune 34199, voirie; created Sun 8 March 23:30Z (Monday 00:30 in Paris: week 11),
     *   taken one hour later;
     * - C: school registration, webchat, no commune, ecoles; created Mon 2 March (week 10), untouched.
     * Conversation 1 (A and B) was handed over at 10:00Z and answered by an agent at 10:05Z; 2 bot turns, 1
     * NLU fallback. Conversation 2 (C) stayed with the bot: 1 bot turn.
     * A was assigned to an agent at 10:15Z. Three callbacks promised in the period (one done in time, one done
     * late, one open) and one after it; interventions done: on A by the team "Voirie Est", on B by no team;
     * one on A still planned, one on C done after the period.
     */
    beforeAll(async () => {
      tenant = await newTenant(db);
      const { query } = db();
      const one = await seed(db, tenant, {
        messages: [
          { direction: 'in', text: 'un lampadaire', intent: 'report_incident' },
          { direction: 'in', text: 'euh', intent: 'report_incident' },
        ],
        conversation: { nluFallback: true },
        requests: [
          { authorityId: 'voirie', communeId: '34199' },
          { authorityId: 'voirie', communeId: '34199' },
        ],
      });
      const two = await seed(db, tenant, {
        channel: 'webchat',
        messages: [{ direction: 'in', text: 'inscription école', intent: 'school_registration' }],
        requests: [{ authorityId: 'ecoles', type: 'school_registration', payload: { child: 'Léa' } }],
      });
      const [a, b] = one.requests;
      const [c] = two.requests;
      const dates: [string, string][] = [
        [a!.id, '2026-03-09T10:00:00Z'],
        [b!.id, '2026-03-08T23:30:00Z'],
        [c!.id, '2026-03-02T09:00:00Z'],
      ];
      for (const [id, created] of dates) {
        await query('UPDATE requests SET created_at = $2::timestamptz WHERE id = $1', [id, created]);
        await query('UPDATE request_events SET created_at = $2::timestamptz WHERE request_id = $1', [
          id,
          created,
        ]);
      }
      const event = `INSERT INTO request_events (request_id, status, actor, created_at) VALUES ($1, $2, 'agent', $3::timestamptz)`;
      await query(event, [a!.id, 'in_progress', '2026-03-09T10:30:00Z']);
      await query(event, [a!.id, 'resolved', '2026-03-09T12:00:00Z']);
      await query(
        `UPDATE requests SET status = 'resolved', resolved_at = '2026-03-09T12:00:00Z' WHERE id = $1`,
        [a!.id],
      );
      await query(event, [b!.id, 'in_progress', '2026-03-09T00:30:00Z']);
      await query(`UPDATE requests SET status = 'in_progress' WHERE id = $1`, [b!.id]);
      await query(
        `UPDATE conversations SET created_at = '2026-03-09T09:55:00Z', handed_over_at = '2026-03-09T10:00:00Z',
           first_agent_reply_at = '2026-03-09T10:05:00Z' WHERE id = $1`,
        [one.conversationId],
      );
      await query(`UPDATE conversations SET created_at = '2026-03-02T08:59:00Z' WHERE id = $1`, [
        two.conversationId,
      ]);
      // The citizens' messages were written during their conversations.
      await query(
        `UPDATE messages m SET created_at = c.created_at + interval '1 minute'
         FROM conversations c WHERE c.id = m.conversation_id AND c.id = ANY($1::uuid[])`,
        [[one.conversationId, two.conversationId]],
      );

      await query(
        `INSERT INTO request_events (request_id, status, actor, kind, details, created_at)
         VALUES ($1, 'received', 'chef', 'assignment', '{"agentId": "agent-1", "teamId": null}', '2026-03-09T10:15:00Z')`,
        [a!.id],
      );
      const callback = `INSERT INTO callbacks (tenant_id, conversation_id, contact_id, promise_key, phone, promised_by,
          status, handled_at) VALUES ($1, $2, $3, $4, '+33600000000', $5::timestamptz, $6, $7::timestamptz)`;
      const cb = (key: string, promised: string, status: string, handled: string | null) =>
        query(callback, [
          tenant,
          one.conversationId,
          one.contactId,
          `${tenant}-${key}`,
          promised,
          status,
          handled,
        ]);
      await cb('kept', '2026-03-10T12:00:00Z', 'done', '2026-03-10T11:00:00Z');
      await cb('late', '2026-03-11T12:00:00Z', 'done', '2026-03-11T15:00:00Z');
      await cb('open', '2026-03-12T12:00:00Z', 'open', null);
      await cb('after', '2026-03-20T12:00:00Z', 'done', '2026-03-20T11:00:00Z');
      const [team] = await query(
        `INSERT INTO teams (tenant_id, name) VALUES ($1, 'Voirie Est') RETURNING id`,
        [tenant],
      );
      teamId = String(team!.id);
      const work = `INSERT INTO interventions (tenant_id, request_id, team_id, what, status, created_by, updated_at)
        VALUES ($1, $2, $3, 'reboucher', $4, 'chef', $5::timestamptz)`;
      await query(work, [tenant, a!.id, teamId, 'done', '2026-03-10T09:00:00Z']);
      await query(work, [tenant, b!.id, null, 'done', '2026-03-11T09:00:00Z']);
      await query(work, [tenant, a!.id, teamId, 'planned', '2026-03-11T09:00:00Z']);
      await query(work, [tenant, c!.id, teamId, 'done', '2026-03-20T09:00:00Z']);

      // Another tenant's request in the same period counts nowhere here.
      const other = await newTenant(db);
      const stranger = await seed(db, other, { requests: [{ authorityId: 'voirie', communeId: '34199' }] });
      await query('UPDATE requests SET created_at = $2::timestamptz WHERE tenant_id = $1', [
        other,
        '2026-03-09T10:00:00Z',
      ]);
      await query(`UPDATE conversations SET created_at = '2026-03-09T09:00:00Z' WHERE id = $1`, [
        stranger.conversationId,
      ]);

      // Satisfaction: A (team "Voirie Est", sms) rated 5; B asked, never answered; C (webchat) rated 2;
      // conversation 2 rated 4 after an agent; conversation 1 rated 1 after the period; the stranger rated 1.
      await query('UPDATE requests SET team_id = $2 WHERE id = $1', [a!.id, teamId]);
      const rating = `INSERT INTO satisfaction_answers (id, tenant_id, request_id, conversation_id, channel, score,
          asked_at, answered_at) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6::timestamptz, $6::timestamptz)`;
      await query(rating, [tenant, a!.id, one.conversationId, 'sms', 5, '2026-03-09T13:00:00Z']);
      await query(rating, [tenant, b!.id, one.conversationId, 'sms', null, '2026-03-09T13:00:00Z']);
      await query(rating, [tenant, c!.id, two.conversationId, 'webchat', 2, '2026-03-05T10:00:00Z']);
      await query(rating, [tenant, null, two.conversationId, 'webchat', 4, '2026-03-10T10:00:00Z']);
      await query(rating, [tenant, null, one.conversationId, 'sms', 1, '2026-03-20T10:00:00Z']);
      await query(rating, [
        other,
        stranger.requests[0]!.id,
        stranger.conversationId,
        'sms',
        1,
        '2026-03-09T13:00:00Z',
      ]);
    });

    it('measures satisfaction (share of 4–5, mean, count) by channel, service and team; one authority’s own', async () => {
      const view = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'Europe/Paris',
        ...period,
      });
      const byKey = <T extends { key: string }>(rows: T[]) =>
        [...rows].sort((x, y) => x.key.localeCompare(y.key));
      // In the period: 5 (A), 2 (C), 4 (conversation 2). B's question has no answer; the 1s are outside.
      expect(view.satisfaction).toMatchObject({ count: 3, satisfied: 2, rate: 2 / 3 });
      expect(view.satisfaction.mean).toBeCloseTo(11 / 3);
      expect(byKey(view.satisfaction.byChannel)).toEqual([
        { key: 'sms', count: 1, satisfied: 1, rate: 1, mean: 5 },
        { key: 'webchat', count: 2, satisfied: 1, rate: 0.5, mean: 3 },
      ]);
      expect(byKey(view.satisfaction.byType)).toEqual([
        { key: 'conversation', count: 1, satisfied: 1, rate: 1, mean: 4 },
        { key: 'report_incident', count: 1, satisfied: 1, rate: 1, mean: 5 },
        { key: 'school_registration', count: 1, satisfied: 0, rate: 0, mean: 2 },
      ]);
      expect(byKey(view.satisfaction.byTeam)).toEqual(
        byKey([
          { key: teamId, label: 'Voirie Est', count: 1, satisfied: 1, rate: 1, mean: 5 },
          { key: 'none', count: 2, satisfied: 1, rate: 0.5, mean: 3 },
        ]),
      );
      const voirie = await port().indicators({
        tenantId: tenant,
        authorityId: 'voirie',
        timeZone: 'Europe/Paris',
        ...period,
      });
      expect(voirie.satisfaction).toMatchObject({ count: 1, satisfied: 1, mean: 5 });
    });

    it('counts the period’s requests by type, channel, commune, ISO week (Paris) and status', async () => {
      const view = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'Europe/Paris',
        ...period,
      });
      expect(view).toMatchObject({
        tenantId: tenant,
        from: '2026-03-01T00:00:00.000Z',
        to: '2026-03-16T00:00:00.000Z',
        timeZone: 'Europe/Paris',
      });
      expect(view.requests).toMatchObject({
        total: 3,
        byType: [
          { key: 'report_incident', count: 2 },
          { key: 'school_registration', count: 1 },
        ],
        byChannel: [
          { key: 'sms', count: 2 },
          { key: 'webchat', count: 1 },
        ],
        byCommune: [
          { key: '34199', count: 2 },
          { key: 'unknown', count: 1 },
        ],
        byWeek: [
          { key: '2026-W10', count: 1 },
          { key: '2026-W11', count: 2 },
        ],
        byStatus: [
          { key: 'in_progress', count: 1 },
          { key: 'received', count: 1 },
          { key: 'resolved', count: 1 },
        ],
        // A answered after 30 min, B after 60: median 45 min; only A resolved, after 2 h.
        medianFirstResponseSeconds: withinOneBin(2700),
        medianResolutionSeconds: withinOneBin(7200),
      });
    });

    it('counts the conversations: hand-overs, containment, NLU fallbacks, waiting time to an agent', async () => {
      const view = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'Europe/Paris',
        ...period,
      });
      expect(view.conversations).toEqual({
        total: 2,
        handedOver: 1,
        containmentRate: 0.5,
        handoverRate: 0.5,
        nluFallbackRate: 1 / 3,
        botTurns: 3,
        medianFirstAgentReplySeconds: withinOneBin(300),
        agentWait: spreadWithinOneBin(1, 300, 300),
        byChannel: [
          { key: 'sms', count: 1 },
          { key: 'webchat', count: 1 },
        ],
      });
    });

    it('counts requests by category and by authority', async () => {
      const view = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'Europe/Paris',
        ...period,
      });
      // A and B are "voirie" incidents; C has no category, so it is not listed.
      expect(view.requests.byCategory).toEqual([{ key: 'report_incident:voirie', count: 2 }]);
      expect(view.requests.byAuthority).toEqual([
        { key: 'voirie', count: 2 },
        { key: 'ecoles', count: 1 },
      ]);
    });

    it('measures the three delays (median, 90th percentile) and the share resolved within the service level', async () => {
      const view = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'Europe/Paris',
        serviceLevels: levels,
        ...period,
      });
      expect(view.delays).toEqual({
        // A after 30 min, B after 60: median 45 min, 90th percentile 30 + 0.9 × 30 = 57 min.
        firstResponse: spreadWithinOneBin(2, 2700, 3420),
        // Only A was given to a person (15 min); B's and C's automatic routing is not an assignment.
        assignment: spreadWithinOneBin(1, 900, 900),
        resolution: spreadWithinOneBin(1, 7200, 7200),
        // A (1 day, resolved in 2 h) in time; B (1 day, open since 8 March) and C (3 days, open) past due.
        inTime: { due: 3, withinLevel: 1, rate: 1 / 3 },
        byServiceLevel: [
          {
            key: 'report_incident:voirie',
            days: 1,
            resolution: spreadWithinOneBin(1, 7200, 7200),
            due: 2,
            withinLevel: 1,
            rate: 0.5,
          },
          {
            key: 'school_registration',
            days: 3,
            resolution: { count: 0, median: null, p90: null },
            due: 1,
            withinLevel: 0,
            rate: 0,
          },
        ],
      });
      // A request not yet past its delay at the period's end is not counted due.
      const early = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'Europe/Paris',
        serviceLevels: levels,
        from: period.from,
        to: at('2026-03-04T00:00:00Z'),
      });
      expect(early.delays.inTime).toEqual({ due: 0, withinLevel: 0, rate: null });
    });

    it('counts the backlog at the period’s end by age, including requests resolved since', async () => {
      const end = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'Europe/Paris',
        ...period,
      });
      // On 16 March: B open for 7 days, C for 13; A was resolved on 9 March.
      expect(end.backlog).toEqual({
        open: 2,
        ageing: [
          { key: '0-7', count: 1 },
          { key: '8-30', count: 1 },
          { key: '31-90', count: 0 },
          { key: '91+', count: 0 },
        ],
      });
      // On 9 March 11:00Z, A (resolved at noon) was still waiting.
      const before = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'Europe/Paris',
        from: period.from,
        to: at('2026-03-09T11:00:00Z'),
      });
      expect(before.backlog.open).toBe(3);
    });

    it('counts callbacks kept (done by the promised time) and interventions done per team', async () => {
      const view = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'Europe/Paris',
        ...period,
      });
      expect(view.callbacks).toEqual({ due: 3, kept: 1, rate: 1 / 3 });
      expect(view.interventions.done).toBe(2);
      expect([...view.interventions.byTeam].sort((x, y) => x.key.localeCompare(y.key))).toEqual(
        [
          { key: teamId, count: 1, label: 'Voirie Est' },
          { key: 'none', count: 1 },
        ].sort((x, y) => x.key.localeCompare(y.key)),
      );
    });

    it('buckets the trend by week (Monday) or month in the time zone', async () => {
      const weekly = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'Europe/Paris',
        ...period,
      });
      // B (Sunday 23:30Z) is Monday 9 March in Paris.
      expect(weekly.trend).toEqual({
        granularity: 'week',
        buckets: [
          { key: '2026-03-02', requests: 1, resolved: 0, conversations: 1, handedOver: 0 },
          { key: '2026-03-09', requests: 2, resolved: 1, conversations: 1, handedOver: 1 },
        ],
      });
      const monthly = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'Europe/Paris',
        granularity: 'month',
        ...period,
      });
      expect(monthly.trend.buckets).toEqual([
        { key: '2026-03-01', requests: 3, resolved: 1, conversations: 2, handedOver: 1 },
      ]);
    });

    it('reads ISO weeks in the time zone asked for', async () => {
      const view = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'UTC',
        ...period,
      });
      expect(view.requests.byWeek).toEqual([
        { key: '2026-W10', count: 2 },
        { key: '2026-W11', count: 1 },
      ]);
    });

    it('counts one authority’s requests only, and excludes the end of the period', async () => {
      const voirie = await port().indicators({
        tenantId: tenant,
        authorityId: 'voirie',
        timeZone: 'Europe/Paris',
        ...period,
      });
      expect(voirie.requests.total).toBe(2);
      expect(voirie.requests.byType).toEqual([{ key: 'report_incident', count: 2 }]);
      expect(voirie.backlog.open).toBe(1);
      expect(voirie.interventions.done).toBe(2);
      const beforeA = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'Europe/Paris',
        from: period.from,
        to: at('2026-03-09T10:00:00Z'),
      });
      expect(beforeA.requests.total).toBe(2);
      expect(beforeA.requests.medianResolutionSeconds).toBeNull();
      // B and conversation 1 fall in the period's last hours (9 March in Paris, before 10:00Z), read from the
      // requests and conversations themselves rather than the daily roll-up.
      expect(beforeA.requests.byStatus).toEqual([
        { key: 'in_progress', count: 1 },
        { key: 'received', count: 1 },
      ]);
      expect(beforeA.delays.firstResponse).toEqual(spreadWithinOneBin(1, 3600, 3600));
      expect(beforeA.conversations).toMatchObject({
        total: 2,
        handedOver: 1,
        agentWait: spreadWithinOneBin(1, 300, 300),
      });
    });

    it('reads exact delays from the requests in a time zone other than the roll-up’s', async () => {
      const view = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'UTC',
        serviceLevels: levels,
        ...period,
      });
      expect(view.delays.firstResponse).toEqual({ count: 2, median: 2700, p90: 3420 });
      expect(view.delays.resolution).toEqual({ count: 1, median: 7200, p90: 7200 });
    });

    it('keeps the daily roll-up right through moved, reopened and re-timed requests, as a rebuild finds it', async () => {
      const { query } = db();
      const ask = () =>
        port().indicators({
          tenantId: tenant,
          authorityId: null,
          timeZone: 'Europe/Paris',
          serviceLevels: levels,
          ...period,
        });
      const before = await ask();
      const [b] = await query(
        `SELECT id FROM requests WHERE tenant_id = $1 AND created_at = '2026-03-08T23:30:00Z'`,
        [tenant],
      );
      const [c] = await query(
        `SELECT id FROM requests WHERE tenant_id = $1 AND type = 'school_registration'`,
        [tenant],
      );
      // C back-dated out of the period: two requests, no school registration any more.
      await query(`UPDATE requests SET created_at = '2026-02-01T09:00:00Z' WHERE id = $1`, [c!.id]);
      // B resolved 21 hours after it was created, within its one-day level.
      await query(
        `UPDATE requests SET status = 'resolved', resolved_at = '2026-03-09T20:30:00Z' WHERE id = $1`,
        [b!.id],
      );
      // B's first response back-dated in its timeline: 15 minutes instead of one hour.
      await query(
        `UPDATE request_events SET created_at = '2026-03-08T23:45:00Z' WHERE request_id = $1 AND status = 'in_progress'`,
        [b!.id],
      );
      // Conversation 2 (C's) handed over at last, an agent answering 10 minutes later.
      await query(
        `UPDATE conversations SET handed_over_at = created_at + interval '5 minutes',
           first_agent_reply_at = created_at + interval '15 minutes'
         WHERE tenant_id = $1 AND created_at = '2026-03-02T08:59:00Z'`,
        [tenant],
      );
      const changed = await ask();
      expect(changed.requests.total).toBe(2);
      expect(changed.requests.byType).toEqual([{ key: 'report_incident', count: 2 }]);
      expect(changed.requests.byStatus).toEqual([{ key: 'resolved', count: 2 }]);
      expect(changed.trend.buckets).toEqual([
        { key: '2026-03-02', requests: 0, resolved: 0, conversations: 1, handedOver: 1 },
        { key: '2026-03-09', requests: 2, resolved: 2, conversations: 1, handedOver: 1 },
      ]);
      // A answered after 30 min, B now after 15; resolved after 2 h and 21 h.
      expect(changed.delays.firstResponse).toEqual(spreadWithinOneBin(2, 1350, 1710));
      expect(changed.delays.resolution).toEqual(spreadWithinOneBin(2, 41_400, 68_760));
      expect(changed.delays.inTime).toEqual({ due: 2, withinLevel: 2, rate: 1 });
      expect(changed.conversations).toMatchObject({
        total: 2,
        handedOver: 2,
        handoverRate: 1,
        agentWait: spreadWithinOneBin(2, 450, 570),
      });
      await query('SELECT guichet_indicators_rebuild()');
      expect(await ask()).toEqual(changed);

      await query(`UPDATE requests SET created_at = '2026-03-02T09:00:00Z' WHERE id = $1`, [c!.id]);
      await query(`UPDATE requests SET status = 'in_progress', resolved_at = NULL WHERE id = $1`, [b!.id]);
      await query(
        `UPDATE conversations SET handed_over_at = NULL, first_agent_reply_at = NULL
         WHERE tenant_id = $1 AND created_at = '2026-03-02T08:59:00Z'`,
        [tenant],
      );
      await query(
        `UPDATE request_events SET created_at = '2026-03-09T00:30:00Z' WHERE request_id = $1 AND status = 'in_progress'`,
        [b!.id],
      );
      expect(await ask()).toEqual(before);
    });

    it('answers zeros and no rates for an empty period', async () => {
      const empty = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'Europe/Paris',
        from: at('2025-01-01T00:00:00Z'),
        to: at('2025-02-01T00:00:00Z'),
      });
      expect(empty.requests).toMatchObject({ total: 0, byType: [], medianFirstResponseSeconds: null });
      expect(empty.satisfaction).toEqual({
        count: 0,
        satisfied: 0,
        rate: null,
        mean: null,
        byChannel: [],
        byType: [],
        byTeam: [],
      });
      expect(empty.conversations).toMatchObject({
        total: 0,
        containmentRate: null,
        handoverRate: null,
        nluFallbackRate: null,
      });
    });
  });
}
