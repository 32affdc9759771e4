// Contract of IndicatorStore: counts and medians on a known data set, the period's bounds, ISO weeks in
// the territory's time zone, one authority's share, and nothing of another tenant.
import type { IndicatorStore } from '../../backoffice/ports';
import { newTenant, seed, type Db } from './backoffice-fixture';

const at = (iso: string) => new Date(iso);

export function indicatorStoreContract(db: Db, port: () => IndicatorStore): void {
  describe('IndicatorStore', () => {
    let tenant: string;
    const period = { from: at('2026-03-01T00:00:00Z'), to: at('2026-03-16T00:00:00Z') };

    /**
     * Three requests and two conversations in March 2026:
     * - A: incident, sms, commune 34199, voirie; created Mon 9 March 10:00Z, taken 10:30Z, resolved 12:00Z;
     * - B: incident, sms, commune 34199, voirie; created Sun 8 March 23:30Z (Monday 00:30 in Paris: week 11),
     *   taken one hour later;
     * - C: school registration, webchat, no commune, ecoles; created Mon 2 March (week 10), untouched.
     * Conversation 1 (A and B) was handed over at 10:00Z and answered by an agent at 10:05Z; 2 bot turns, 1
     * NLU fallback. Conversation 2 (C) stayed with the bot: 1 bot turn.
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
      expect(view.requests).toEqual({
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
        medianFirstResponseSeconds: 2700,
        medianResolutionSeconds: 7200,
      });
    });

    it('counts the conversations: hand-overs, containment, NLU fallbacks, first agent reply', async () => {
      const view = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'Europe/Paris',
        ...period,
      });
      expect(view.conversations).toEqual({
        total: 2,
        containmentRate: 0.5,
        handoverRate: 0.5,
        nluFallbackRate: 1 / 3,
        botTurns: 3,
        medianFirstAgentReplySeconds: 300,
      });
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
      const beforeA = await port().indicators({
        tenantId: tenant,
        authorityId: null,
        timeZone: 'Europe/Paris',
        from: period.from,
        to: at('2026-03-09T10:00:00Z'),
      });
      expect(beforeA.requests.total).toBe(2);
      expect(beforeA.requests.medianResolutionSeconds).toBeNull();
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
      expect(empty.conversations).toMatchObject({
        total: 0,
        containmentRate: null,
        handoverRate: null,
        nluFallbackRate: null,
      });
    });
  });
}
