// Contract of the indicators' roll-up levels (migration 0028): a period with whole months, days around them and
// hours at both ends reads months, days and rows; every figure must equal the hand count and the live
// computation (the same instants asked in UTC, which reads the rows only) — through back-dated writes,
// deletions and moves between days and months, and after a rebuild.
import type { IndicatorStore, IndicatorsQuery } from '../../backoffice/ports';
import type { IndicatorsView } from '../../backoffice/schemas';
import type { PostgresSharedStore } from '../../adapters/postgres';
import { rebuildIndicatorsRollup } from '../../adapters/postgres/backoffice/indicators';
import { newTenant, seed, type Db } from './backoffice-fixture';

/** What does not depend on the zone's days: must be equal whichever way it was computed. */
const zoneFree = (v: IndicatorsView) => ({
  total: v.requests.total,
  byType: v.requests.byType,
  byCategory: v.requests.byCategory,
  byChannel: v.requests.byChannel,
  byCommune: v.requests.byCommune,
  byAuthority: v.requests.byAuthority,
  byStatus: v.requests.byStatus,
  delayCounts: [v.delays.firstResponse.count, v.delays.assignment.count, v.delays.resolution.count],
  backlog: v.backlog,
  botTurns: v.conversations.botTurns,
  interventions: {
    done: v.interventions.done,
    byTeam: [...v.interventions.byTeam].sort((a, b) => a.key.localeCompare(b.key)),
  },
});

export function indicatorLevelsContract(db: Db, port: () => IndicatorStore): void {
  describe('IndicatorStore roll-up levels (months, days, hours)', () => {
    let tenant: string;
    let teamId: string;
    const ids: Record<string, string> = {};
    // Paris: Sat 20 Dec 2025 13:00 → Fri 3 Apr 2026 12:00. Whole months January to March, whole days 21–31
    // December and 1–2 April around them, hours of 20 December and 3 April at the ends.
    const period = { from: new Date('2025-12-20T12:00:00Z'), to: new Date('2026-04-03T10:00:00Z') };
    const ask = (timeZone: string, granularity: IndicatorsQuery['granularity'] = 'month') =>
      port().indicators({ tenantId: tenant, authorityId: null, timeZone, granularity, ...period });
    /** The roll-up's view (Paris), checked against the live one (UTC) on every zone-free figure. */
    const both = async () => {
      const rolled = await ask('Europe/Paris');
      expect(zoneFree(rolled)).toEqual(zoneFree(await ask('UTC')));
      return rolled;
    };
    const monthly = (v: IndicatorsView) => v.trend.buckets.map((b) => [b.key, b.requests, b.resolved]);

    /**
     * Requests: h (head hours, 20 Dec 21:00 Paris, open), d (27 Dec, a day around the months, resolved after
     * 2 h), m1 (15 Jan, resolved after a day), m2 (10 Feb, in progress), m3 (31 Mar 22:30Z = 1 Apr 00:30 in
     * Paris: a day after the months, resolved after 3 h), t (3 Apr 07:00 Paris, tail hours, open), out (after
     * the period). Turns (citizens' messages the NLU read): one at each of h, d, m1, m2, t's instants; a citizen's
     * message without intent on 15 Jan and a bot's answer count nowhere. Interventions done: 20 Dec 23:00 Paris
     * (no team), 28 Dec, 16 Jan and 3 Apr 08:00 Paris (team "Nord"); one still planned.
     */
    beforeAll(async () => {
      tenant = await newTenant(db);
      const { query } = db();
      const names = ['h', 'd', 'm1', 'm2', 'm3', 't', 'out'];
      const seeded = await seed(db, tenant, {
        messages: [
          { direction: 'in', text: 'lampadaire', intent: 'report_incident' },
          { direction: 'in', text: 'trottoir', intent: 'report_incident' },
          { direction: 'in', text: 'école', intent: 'school_registration' },
          { direction: 'in', text: 'voirie', intent: 'report_incident' },
          { direction: 'in', text: 'poubelle', intent: 'report_incident' },
          { direction: 'in', text: 'euh' },
          { direction: 'out', text: 'Merci' },
        ],
        requests: names.map((_, i) => ({ authorityId: i % 2 ? 'voirie' : 'proprete', communeId: '34199' })),
      });
      seeded.requests.forEach((r, i) => (ids[names[i]!] = r.id));
      const created: [string, string, string, string | null][] = [
        ['h', '2025-12-20T20:00:00Z', 'received', null],
        ['d', '2025-12-27T10:00:00Z', 'resolved', '2025-12-27T12:00:00Z'],
        ['m1', '2026-01-15T10:00:00Z', 'resolved', '2026-01-16T10:00:00Z'],
        ['m2', '2026-02-10T10:00:00Z', 'in_progress', null],
        ['m3', '2026-03-31T22:30:00Z', 'resolved', '2026-04-01T01:30:00Z'],
        ['t', '2026-04-03T05:00:00Z', 'received', null],
        ['out', '2026-04-03T11:00:00Z', 'received', null],
      ];
      for (const [name, at, status, resolvedAt] of created) {
        await query(
          `UPDATE requests SET created_at = $2::timestamptz, status = $3, resolved_at = $4::timestamptz WHERE id = $1`,
          [ids[name], at, status, resolvedAt],
        );
      }
      const turnsAt = [
        '2025-12-20T20:00:00Z',
        '2025-12-27T10:00:00Z',
        '2026-01-15T10:00:00Z',
        '2026-02-10T10:00:00Z',
        '2026-04-03T05:00:00Z',
        '2026-01-15T11:00:00Z', // the message without intent
        '2026-01-15T11:00:00Z', // the bot's answer
      ];
      const messages = await query('SELECT id FROM messages WHERE conversation_id = $1 ORDER BY id', [
        seeded.conversationId,
      ]);
      for (const [i, m] of messages.entries()) {
        await query('UPDATE messages SET created_at = $2::timestamptz WHERE id = $1', [m.id, turnsAt[i]]);
      }
      const [team] = await query(`INSERT INTO teams (tenant_id, name) VALUES ($1, 'Nord') RETURNING id`, [
        tenant,
      ]);
      teamId = String(team!.id);
      const work = `INSERT INTO interventions (tenant_id, request_id, team_id, what, status, created_by, updated_at)
        VALUES ($1, $2, $3, 'réparer', $4, 'chef', $5::timestamptz)`;
      await query(work, [tenant, ids.h, null, 'done', '2025-12-20T22:00:00Z']);
      await query(work, [tenant, ids.d, teamId, 'done', '2025-12-28T10:00:00Z']);
      await query(work, [tenant, ids.m1, teamId, 'done', '2026-01-16T09:00:00Z']);
      await query(work, [tenant, ids.t, teamId, 'done', '2026-04-03T06:00:00Z']);
      await query(work, [tenant, ids.m2, teamId, 'planned', '2026-02-01T09:00:00Z']);
    });

    it('counts whole months, the days around them and the hours at both ends as the rows do', async () => {
      const view = await both();
      expect(view.requests.total).toBe(6);
      expect(view.requests.byStatus).toEqual([
        { key: 'resolved', count: 3 },
        { key: 'received', count: 2 },
        { key: 'in_progress', count: 1 },
      ]);
      expect(view.delays.resolution.count).toBe(3);
      expect(monthly(view)).toEqual([
        ['2025-12-01', 2, 1],
        ['2026-01-01', 1, 1],
        ['2026-02-01', 1, 0],
        ['2026-04-01', 2, 1],
      ]);
      expect(view.conversations.botTurns).toBe(5);
      expect(view.interventions.done).toBe(4);
      expect(view.interventions.byTeam).toEqual([
        { key: teamId, count: 3, label: 'Nord' },
        { key: 'none', count: 1 },
      ]);
      // The ISO weeks come from the days (the first is 20 December's hours, week 51).
      expect(view.requests.byWeek.map((w) => w.count).reduce((a, b) => a + b)).toBe(6);
      expect(view.requests.byWeek[0]).toEqual({ key: '2025-W51', count: 1 });
    });

    it('keeps the bot turns of past days right through back-dated messages, deletions and moves', async () => {
      const { query } = db();
      expect((await both()).conversations.botTurns).toBe(5);
      // The days are over: 15 January is now read from its count, which the next writes must correct.
      const turnsOf = async (day: string) =>
        (
          await query('SELECT n FROM message_daily_turns WHERE tenant_id = $1 AND day = $2::date', [
            tenant,
            day,
          ])
        )[0]?.n;
      expect(await turnsOf('2026-01-15')).toBe(1);
      // A citizen's message of 15 January written now (an import, a provider's late timestamp).
      const [conversation] = await query('SELECT id FROM conversations WHERE tenant_id = $1', [tenant]);
      await query(
        `INSERT INTO messages (conversation_id, tenant_id, direction, text, intent, created_at)
         VALUES ($1, $2, 'in', 'encore', 'report_incident', '2026-01-15T12:00:00Z')`,
        [conversation!.id, tenant],
      );
      expect(await turnsOf('2026-01-15')).toBeNull();
      expect((await both()).conversations.botTurns).toBe(6);
      expect(await turnsOf('2026-01-15')).toBe(2);
      // Retention: everything before 2026 goes (20 December's hours and 27 December, a day around the months).
      await query(`DELETE FROM messages WHERE tenant_id = $1 AND created_at < '2026-01-01T00:00:00Z'`, [
        tenant,
      ]);
      expect((await both()).conversations.botTurns).toBe(4);
      // 10 February's turn moved out of the period, the message without intent read by the NLU at last.
      await query(
        `UPDATE messages SET created_at = '2026-05-01T10:00:00Z' WHERE tenant_id = $1 AND text = 'voirie'`,
        [tenant],
      );
      await query(`UPDATE messages SET intent = 'report_incident' WHERE tenant_id = $1 AND text = 'euh'`, [
        tenant,
      ]);
      const after = await both();
      expect(after.conversations.botTurns).toBe(4);
      await query('SELECT guichet_indicators_rebuild()');
      expect(await ask('Europe/Paris')).toEqual(after);
    });

    /** One authority's interventions, teams in a stable order, from the roll-up (Paris) or the rows (UTC). */
    const workOf = async (authorityId: string, timeZone = 'Europe/Paris') => {
      const view = await port().indicators({
        tenantId: tenant,
        authorityId,
        timeZone,
        granularity: 'month',
        ...period,
      });
      return {
        ...view.interventions,
        byTeam: [...view.interventions.byTeam].sort((a, b) => a.key.localeCompare(b.key)),
      };
    };
    const workOfBoth = async (authorityId: string) => {
      const rolled = await workOf(authorityId);
      expect(rolled).toEqual(await workOf(authorityId, 'UTC'));
      return rolled;
    };

    it('counts one authority’s interventions, and moves them with a request transferred to another', async () => {
      const nord = (count: number) => ({ key: teamId, count, label: 'Nord' });
      // voirie: d (28 Dec) and t (3 Apr), team Nord; propreté: h (20 Dec, no team) and m1 (16 Jan, Nord).
      expect(await workOfBoth('voirie')).toEqual({ done: 2, byTeam: [nord(2)] });
      expect(await workOfBoth('proprete')).toEqual({
        done: 2,
        byTeam: [nord(1), { key: 'none', count: 1 }].sort((a, b) => a.key.localeCompare(b.key)),
      });
      await db().query(`UPDATE requests SET authority_id = 'voirie' WHERE id = $1`, [ids.m1]);
      expect(await workOfBoth('voirie')).toEqual({ done: 3, byTeam: [nord(3)] });
      expect(await workOfBoth('proprete')).toEqual({ done: 1, byTeam: [{ key: 'none', count: 1 }] });
      await db().query(`UPDATE requests SET authority_id = 'proprete' WHERE id = $1`, [ids.m1]);
      expect(await workOfBoth('proprete')).toEqual({
        done: 2,
        byTeam: [nord(1), { key: 'none', count: 1 }].sort((a, b) => a.key.localeCompare(b.key)),
      });
    });

    it('keeps months and days right through requests moved, resolved and deleted, as a rebuild finds them', async () => {
      const { query } = db();
      // m2 moved from February to January and resolved there after 5 hours; d (27 December) deleted; the
      // request after the period back-dated into March; an intervention moved out, a planned one done in
      // February, the team's then deleted (its interventions count under no team).
      await query(`UPDATE requests SET created_at = '2026-01-20T10:00:00Z' WHERE id = $1`, [ids.m2]);
      await query(
        `UPDATE requests SET status = 'resolved', resolved_at = '2026-01-20T15:00:00Z' WHERE id = $1`,
        [ids.m2],
      );
      await query('DELETE FROM requests WHERE id = $1', [ids.d]);
      await query(`UPDATE requests SET created_at = '2026-03-05T10:00:00Z' WHERE id = $1`, [ids.out]);
      await query(
        `UPDATE interventions SET updated_at = '2026-05-01T10:00:00Z' WHERE request_id = $1 AND status = 'done'`,
        [ids.m1],
      );
      await query(
        `UPDATE interventions SET status = 'done', updated_at = '2026-02-02T10:00:00Z' WHERE request_id = $1`,
        [ids.m2],
      );
      const view = await both();
      expect(view.requests.total).toBe(6);
      expect(monthly(view)).toEqual([
        ['2025-12-01', 1, 0],
        ['2026-01-01', 2, 2],
        ['2026-03-01', 1, 0],
        ['2026-04-01', 2, 1],
      ]);
      expect(view.delays.resolution.count).toBe(3);
      // d's intervention went with it (28 December); left: 20 Dec (none), 2 Feb and 3 Apr (Nord).
      expect(view.interventions).toEqual({
        done: 3,
        byTeam: [
          { key: teamId, count: 2, label: 'Nord' },
          { key: 'none', count: 1 },
        ],
      });
      // d's intervention left voirie's work with it (a cascade: the intervention still knew its authority);
      // voirie keeps m2's (2 Feb) and t's (3 Apr).
      expect(await workOfBoth('voirie')).toEqual({
        done: 2,
        byTeam: [{ key: teamId, count: 2, label: 'Nord' }],
      });
      await query('DELETE FROM teams WHERE id = $1', [teamId]);
      const noTeam = await both();
      expect(noTeam.interventions.byTeam).toEqual([{ key: 'none', count: 3 }]);
      // As `npm run indicators:rebuild` does it (then vacuums the levels).
      await rebuildIndicatorsRollup((db().shared as PostgresSharedStore).sql);
      expect(await ask('Europe/Paris')).toEqual(noTeam);
    });
  });
}
