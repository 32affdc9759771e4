// Reports recorded while the national address API was down are located later by the server's own job
// (GEOCODING_RETRY_MINUTES): the real container, the real address API client, nock for the API.
import nock from 'nock';
import type { Container } from '../../server/container';
import { talk } from '../support/conversation';
import { BAN_API, LILAS_12, LILAS_PARIS, featureCollection } from './ban-fixtures';
import { NOW, announcedReference, done, withClosedNetworkContainer } from './helpers';

let container: Container;
withClosedNetworkContainer((c) => (container = c));

/** The address API answers every search with `status` and counts the calls. */
function api(answer: (q: string) => [number, unknown]): { calls: () => number } {
  let calls = 0;
  nock(BAN_API)
    .get('/search/')
    .query(true)
    .times(10)
    .reply((uri) => {
      calls += 1;
      return answer(new URL(uri, BAN_API).searchParams.get('q') ?? '');
    });
  return { calls: () => calls };
}
const down = (): [number, unknown] => [503, '<html><body>503 Service Temporarily Unavailable</body></html>'];

async function reportWhileDown(address: string): Promise<string> {
  api(down);
  const t = talk(container.engine, { now: NOW, channel: 'webchat' })
    .send(`nid de poule au ${address}`)
    .expectReply(/Dans quelle commune/)
    .choose('Montcey-sur-Loue')
    .send('Trou dangereux')
    .send('non')
    .send('non')
    .choose(/Oui, enregistrer/)
    .expectReply(/L’adresse sera localisée par nos services/);
  await done(t);
  nock.cleanAll();
  return announcedReference(t);
}

const request = (reference: string) => container.store.getRequestByReference('val-de-loue', reference);

describe('geocoding retry', () => {
  it('locates the reports once the address API is back, and leaves the unknown addresses to an agent', async () => {
    const lilas = await reportWhileDown('12 rue des Lilas');
    const elsewhere = await reportWhileDown('12 rue des Lilas Paris');
    const job = container.geocodingRetry!;

    // Still down: one call, not one per waiting report; both stay flagged.
    const stillDown = api(down);
    expect(await job.runOnce()).toEqual({ located: 0, notLocated: 0, pending: 2 });
    expect(stillDown.calls()).toBe(1);
    expect(await request(lilas)).toMatchObject({ needsGeocoding: true });
    nock.cleanAll();

    const back = api((q) => [200, featureCollection(q, q.includes('Paris') ? LILAS_PARIS : LILAS_12)]);
    expect(await job.runOnce()).toEqual({ located: 1, notLocated: 1, pending: 0 });
    expect(back.calls()).toBe(2);

    const located = await request(lilas);
    expect(located).toMatchObject({
      needsGeocoding: false,
      communeId: 'montcey-sur-loue',
      authorityId: 'commune-montcey-sur-loue',
      location: { lat: LILAS_12.lat, lon: LILAS_12.lon, label: LILAS_12.label },
      payload: { geocoding: 'ok', address: { text: '12 rue des Lilas', label: LILAS_12.label } },
    });
    expect(located?.events.at(-1)).toMatchObject({
      status: 'received',
      note: `Adresse localisée : ${LILAS_12.label}.`,
      actor: 'system:geocoding',
    });

    // A street of the same name in Paris is not this territory's: no position, flag cleared, a note for agents.
    const outside = await request(elsewhere);
    expect(outside).toMatchObject({ needsGeocoding: false, payload: { geocoding: 'outside' } });
    expect(outside?.location).toBeUndefined();
    expect(outside?.events.at(-1)?.note).toMatch(/à situer par un agent/);

    // Nothing left: the next run asks the API nothing.
    const idle = api(down);
    expect(await job.runOnce()).toEqual({ located: 0, notLocated: 0, pending: 0 });
    expect(idle.calls()).toBe(0);
  });
});
