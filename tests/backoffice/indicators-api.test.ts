// GET /api/v1/indicators: who reads which figures (an authority its own, the territory's aggregates for everyone,
// other actors' breakdowns for the intercommunalité only), periods as days in the territory's time zone, the
// previous period, French labels, and clear 400s for a bad period.
import request from 'supertest';
import type { Container } from '../../server/container';
import { IndicatorsViewSchema } from '../../backoffice/schemas';
import { backofficeContainer, bearer, issueToken, CONTAINER_TIMEOUT_MS } from './support';
import { DEMO_TENANT } from '../support/harness';

type Sql = { query(q: string, p: unknown[]): Promise<unknown> };

describe('indicators API', () => {
  let container: Container;
  let supervisor: string;
  let interco: string;
  let commune: string;
  const api = () => request(container.app);

  /** February 2026: two requests of Vernière's town hall (one without a commune), one of the intercommunalité. */
  beforeAll(async () => {
    container = await backofficeContainer();
    supervisor = (await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT })).token;
    interco = (
      await issueToken(container, {
        role: 'supervisor',
        tenantId: DEMO_TENANT,
        authorityId: 'cc-val-de-loue',
      })
    ).token;
    commune = (
      await issueToken(container, {
        role: 'supervisor',
        tenantId: DEMO_TENANT,
        authorityId: 'commune-verniere',
      })
    ).token;
    const sql = (container.store as unknown as { sql: Sql }).sql;
    const conv = await container.store.openConversation({
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address: '+33612121212',
    });
    const rows: [string, string | null, string][] = [
      ['commune-verniere', 'verniere', '2026-02-02T10:00:00Z'],
      ['commune-verniere', null, '2026-02-28T23:30:00Z'], // 00:30 on 1 March in Paris: outside February
      ['commune-verniere', null, '2026-02-10T10:00:00Z'],
      ['cc-val-de-loue', 'montcey-sur-loue', '2026-02-12T10:00:00Z'],
    ];
    for (const [authority, communeId, created] of rows) {
      const reference = await container.store.reserveReference(new Date(created));
      await container.store.commitTurn({
        tenantId: DEMO_TENANT,
        conversationId: conv.id,
        messages: [],
        requests: [
          {
            reference,
            tenantId: DEMO_TENANT,
            type: 'report_incident',
            authorityId: authority,
            ...(communeId ? { communeId } : {}),
            channel: 'sms',
            contactId: conv.contactId,
            conversationId: conv.id,
            payload: { category: 'eclairage' },
          },
        ],
        outbox: [],
      });
      await sql.query('UPDATE requests SET created_at = $2::timestamptz WHERE reference = $1', [
        reference,
        created,
      ]);
    }
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container?.close());

  const february = '/api/v1/indicators?from=2026-02-01&to=2026-03-01';

  it('reads days in the territory’s time zone and labels every breakdown in French', async () => {
    const res = await api().get(february).set(bearer(supervisor));
    expect(res.status).toBe(200);
    const view = IndicatorsViewSchema.parse(res.body);
    expect(view.from).toBe('2026-01-31T23:00:00.000Z');
    expect(view.to).toBe('2026-02-28T23:00:00.000Z');
    expect(view.requests.total).toBe(3);
    expect(view.requests.byCommune).toEqual([
      { key: 'montcey-sur-loue', count: 1, label: 'Montcey-sur-Loue' },
      { key: 'unknown', count: 1, label: 'Non renseignée' },
      { key: 'verniere', count: 1, label: 'Vernière' },
    ]);
    expect(view.requests.byAuthorityKind).toEqual([
      { key: 'commune', count: 2, label: 'Communes' },
      { key: 'intercommunalite', count: 1, label: 'Intercommunalité' },
    ]);
    expect(view.scope).toEqual({ authorityId: null, label: expect.any(String), breakdowns: true });
    // The 28 days before (from 4 January, Paris): nothing, so the comparison says 0; the figures carry both.
    expect(view.previous).toMatchObject({ from: '2026-01-03T23:00:00.000Z', requests: 0 });
    expect(view.figures?.find((f) => f.key === 'requests')).toMatchObject({
      label: 'Demandes reçues',
      value: 3,
      previous: 0,
    });
    const alone = await api().get(`${february}&compare=false`).set(bearer(supervisor));
    expect(alone.body.previous).toBeUndefined();
  });

  it('gives an authority its own figures, and the territory’s aggregates without other actors’ breakdowns', async () => {
    const own = IndicatorsViewSchema.parse((await api().get(february).set(bearer(commune))).body);
    expect(own.scope).toMatchObject({ authorityId: 'commune-verniere', label: 'Mairie de Vernière' });
    expect(own.requests.total).toBe(2);
    const territory = IndicatorsViewSchema.parse(
      (await api().get(`${february}&scope=territory`).set(bearer(commune))).body,
    );
    expect(territory.requests.total).toBe(3);
    expect(territory.scope?.breakdowns).toBe(false);
    expect(territory.requests.byCommune).toEqual([]);
    expect(territory.requests.byAuthority).toEqual([]);
    expect(territory.requests.byAuthorityKind?.map((k) => k.count)).toEqual([2, 1]);
    // The intercommunalité compares its communes.
    const asInterco = IndicatorsViewSchema.parse(
      (await api().get(`${february}&scope=territory`).set(bearer(interco))).body,
    );
    expect(asInterco.scope?.breakdowns).toBe(true);
    expect(asInterco.requests.byCommune).toHaveLength(3);
    expect((await api().get(`${february}&authority=cc-val-de-loue`).set(bearer(commune))).status).toBe(404);
  });

  it('answers 400 for a bad period, naming what is wrong', async () => {
    const bad = async (query: string) => {
      const res = await api().get(`/api/v1/indicators?${query}`).set(bearer(supervisor));
      expect(res.status).toBe(400);
      return String(res.body.error?.message ?? '');
    };
    expect(await bad('from=2026-03-01&to=2026-02-01')).toMatch(/from/);
    expect(await bad('from=2020-01-01&to=2026-01-01')).toMatch(/731 days/);
    expect(await bad('from=hier')).toMatch(/from/);
    expect(await bad('from=2026-01-01&to=2026-02-01&granularity=day')).toMatch(/granularity/);
  });
});
