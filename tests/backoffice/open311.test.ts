// Open311 GeoReport v2 conformance, against the spec's examples (http://wiki.open311.org/GeoReport_v2):
// field names, array answers, error format, JSON and XML. Reports made in a conversation appear here and
// reports posted here appear in the back office.
import { XMLParser } from 'fast-xml-parser';
import nock from 'nock';
import request from 'supertest';
import type { Container } from '../../server/container';
import { BAN_API, VERNIERE_EGLISE, banSearch, featureCollection } from '../conversations/ban-fixtures';
import { DEMO_TENANT } from '../support/harness';
import {
  backofficeContainer,
  bearer,
  incidentPayload,
  issueToken,
  rows,
  seedConversation,
  CONTAINER_TIMEOUT_MS,
  OTHER_TENANT,
} from './support';

const SERVICE_REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
].sort();

describe('Open311 GeoReport v2', () => {
  let container: Container;
  let key: string;
  let fromChat: Awaited<ReturnType<typeof seedConversation>>;
  const api = () => request(container.app);
  const xml = new XMLParser({ parseTagValue: false });

  beforeAll(async () => {
    // The address API is nock's alone: a case that reaches it unmocked fails at once instead of leaving the machine.
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    container = await backofficeContainer();
    key = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT })).token;
    fromChat = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      channel: 'sms',
      requests: [
        {
          type: 'report_incident',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          payload: incidentPayload('eclairage', 'Lampadaire éteint, appelez-moi au 06 12 34 56 78', {
            photo: { url: 'https://media.example.org/lampadaire.jpg' },
            address: { label: '4 Rue des Tilleuls 25972 Vernière', postcode: '25972' },
          }),
          location: { lat: 47.11, lon: 5.92 },
        },
        {
          type: 'school_registration',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          payload: { level: { id: 'ps' } },
        },
      ],
    });
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    await container.close();
    nock.enableNetConnect();
  });

  it('discovery names the GeoReport v2 endpoint and its formats', async () => {
    const res = await api().get('/open311/v2/discovery.json');
    expect(res.status).toBe(200);
    expect(res.body.endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      type: 'production',
      formats: ['text/xml', 'application/json'],
    });
    expect(res.body.endpoints[0].url).toMatch(/\/open311\/v2\/$/);
    const asXml = await api().get('/open311/v2/discovery.xml');
    expect(xml.parse(asXml.text).discovery.endpoints.endpoint.formats.format).toEqual([
      'text/xml',
      'application/json',
    ]);
  });

  it('lists the incident categories as services, per jurisdiction', async () => {
    const res = await api().get(`/open311/v2/services.json?jurisdiction_id=${DEMO_TENANT}`);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(8);
    expect(res.body[0]).toEqual({
      service_code: expect.any(String),
      service_name: expect.any(String),
      description: expect.any(String),
      metadata: true,
      type: 'realtime',
      keywords: expect.any(String),
      group: expect.any(String),
    });
    expect(res.body.map((s: { service_code: string }) => s.service_code)).toContain('eclairage');
    const other = await api().get('/open311/v2/services.json?jurisdiction_id=autre-commune');
    expect(other.body.map((s: { service_code: string }) => s.service_code)).toEqual([
      'voirie',
      'eclairage',
      'proprete',
    ]);
    // Two jurisdictions are served: which one must be said.
    const missing = await api().get('/open311/v2/services.json');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual([{ code: 400, description: expect.stringMatching(/jurisdiction_id/) }]);
    expect((await api().get('/open311/v2/services.json?jurisdiction_id=atlantis')).status).toBe(404);
    const asXml = xml.parse(
      (await api().get(`/open311/v2/services.xml?jurisdiction_id=${DEMO_TENANT}`)).text,
    );
    expect(asXml.services.service).toHaveLength(8);
  });

  it('defines a service with attributes derived from the payload schema', async () => {
    const res = await api().get(`/open311/v2/services/eclairage.json?jurisdiction_id=${DEMO_TENANT}`);
    expect(res.status).toBe(200);
    expect(res.body.service_code).toBe('eclairage');
    const codes = res.body.attributes.map((a: { code: string }) => a.code);
    // description, photo.url and photo.contentType: what the reporter can say that is not a standard field.
    expect(codes).toEqual(['description', 'photo.url', 'photo.contentType']);
    expect(res.body.attributes[0]).toEqual({
      variable: true,
      code: 'description',
      datatype: 'text',
      required: true,
      datatype_description: '3 à 1000 caractères',
      order: 1,
      description: expect.any(String),
      values: [],
    });
    expect(res.body.attributes[1]).toMatchObject({ required: false, datatype: 'string' });
    expect(
      (await api().get(`/open311/v2/services/teleportation.json?jurisdiction_id=${DEMO_TENANT}`)).status,
    ).toBe(404);
    const asXml = xml.parse(
      (await api().get(`/open311/v2/services/eclairage.xml?jurisdiction_id=${DEMO_TENANT}`)).text,
    );
    expect(asXml.service_definition.attributes.attribute).toHaveLength(3);
  });

  it('shows a report made by SMS with the spec’s fields; without a key, never the citizen’s own text', async () => {
    const [reference] = fromChat.references;
    const res = await api().get(`/open311/v2/requests/${reference}.json?jurisdiction_id=${DEMO_TENANT}`);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    const item = res.body[0];
    expect(Object.keys(item).sort()).toEqual(SERVICE_REQUEST_FIELDS);
    expect(item).toMatchObject({
      service_request_id: reference,
      status: 'open',
      service_code: 'eclairage',
      service_name: 'Éclairage public',
      agency_responsible: 'Mairie de Vernière',
      address: '4 Rue des Tilleuls 25972 Vernière',
      zipcode: '25972',
      lat: 47.11,
      long: 5.92,
      media_url: null,
      description: null,
      status_notes: null,
    });
    expect(item.requested_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    const withKey = await api().get(`/open311/v2/requests/${reference}.json?api_key=${key}`);
    expect(withKey.body[0]).toMatchObject({
      description: 'Lampadaire éteint, appelez-moi au 06 12 34 56 78',
      media_url: 'https://media.example.org/lampadaire.jpg',
    });
    // Only incident reports are service requests.
    expect(
      (await api().get(`/open311/v2/requests/${fromChat.references[1]}.json?jurisdiction_id=${DEMO_TENANT}`))
        .status,
    ).toBe(404);
  });

  it('publishes no personal data: only what an agent marked public, masked again (issue 16 point 3)', async () => {
    const [reference] = fromChat.references;
    const read = async () =>
      (await api().get(`/open311/v2/requests/${reference}.json?jurisdiction_id=${DEMO_TENANT}`)).body[0];
    // An internal note (not public) names the citizen: it is not published.
    await api()
      .post(`/api/v1/requests/${reference}/status`)
      .set(bearer(key))
      .send({ status: 'in_progress', note: 'Mme Jeanne Dupont rappelée au 06/12/34/56/78', notify: false })
      .expect(200);
    expect((await read()).status_notes).toBeNull();
    // The description an agent approves is published; what slipped into it is still masked.
    const typed = [
      "je m'appelle Jean Dupont",
      '06/12/34/56/78',
      '+33 (0)6 12 34 56 78',
      'jean point dupont arobase gmail point com',
      'FR76 3000 6000 0112 3456 7890 189',
      '1 85 05 78 006 084 91',
    ];
    await api()
      .post(`/api/v1/requests/${reference}/public-description`)
      .set(bearer(key))
      .send({ text: `Lampadaire éteint. ${typed.join(' ; ')}` })
      .expect(200);
    await api()
      .post(`/api/v1/requests/${reference}/status`)
      .set(bearer(key))
      .send({ status: 'in_progress', note: 'Intervention prévue, contact 06 12 34 56 78', public: true })
      .expect(200);
    const item = await read();
    expect(item.description).toMatch(/^Lampadaire éteint\./);
    expect(item.status_notes).toBe('Intervention prévue, contact [téléphone]');
    const published = JSON.stringify(item);
    for (const value of [...typed.slice(1), 'Jean Dupont', 'Jeanne', 'dupont arobase'])
      expect(published).not.toContain(value);
    // Withdrawn: nothing published again; bad input is a 400.
    await api()
      .post(`/api/v1/requests/${reference}/public-description`)
      .set(bearer(key))
      .send({ text: null })
      .expect(200);
    expect((await read()).description).toBeNull();
    await api()
      .post(`/api/v1/requests/${reference}/public-description`)
      .set(bearer(key))
      .send({ text: 42 })
      .expect(400);
  });

  it('refuses an object where a coordinate is expected with a 400, not a 500', async () => {
    const res = await api()
      .post('/open311/v2/requests.json')
      .send({ api_key: key, service_code: 'proprete', lat: { toString: 1, valueOf: 1 }, long: '5.98' });
    expect(res.status).toBe(400);
  });

  it('creates a report (form-encoded, as the spec) that the back office sees, with a reference', async () => {
    const reverse = nock(BAN_API)
      .get('/reverse/')
      .query(true)
      .reply(
        200,
        featureCollection('', {
          label: '2 Place de la Halle 25971 Montcey-sur-Loue',
          lat: 47.1302,
          lon: 5.9871,
          citycode: '25971',
          postcode: '25971',
          city: 'Montcey-sur-Loue',
          housenumber: '2',
        }),
      );
    const res = await api().post('/open311/v2/requests.json').type('form').send({
      api_key: key,
      jurisdiction_id: DEMO_TENANT,
      service_code: 'proprete',
      lat: '47.1302',
      long: '5.9871',
      address_string: '2 place de la Halle, 25971 Montcey-sur-Loue',
      email: 'riverain@example.org',
      description: 'Dépôt sauvage de pneus',
      'attribute[photo.url]': 'https://media.example.org/pneus.jpg',
    });
    expect(res.status).toBe(201);
    expect(reverse.isDone()).toBe(true);
    expect(res.body).toEqual([
      {
        service_request_id: expect.stringMatching(/^DEM-\d{4}-[0-9A-Z]{6}$/),
        service_notice: expect.any(String),
        account_id: null,
        token: expect.any(String),
      },
    ]);
    const reference = res.body[0].service_request_id as string;
    const token = res.body[0].token as string;
    const stored = await rows<{
      channel: string;
      authority_id: string;
      commune_id: string;
      payload: Record<string, unknown>;
      lat: number;
    }>(
      container,
      'SELECT channel, authority_id, commune_id, payload, lat FROM requests WHERE reference = $1',
      [reference],
    );
    // Waste is the intercommunality's competence (the territory says so), in the commune of the address.
    expect(stored[0]).toMatchObject({
      channel: 'open311',
      authority_id: 'cc-val-de-loue',
      commune_id: 'montcey-sur-loue',
      lat: 47.1302,
    });
    expect(stored[0]?.payload).toMatchObject({
      category: 'proprete',
      description: 'Dépôt sauvage de pneus',
      photo: { url: 'https://media.example.org/pneus.jpg' },
      contact: { kind: 'email', value: 'riverain@example.org' },
      geocoding: 'shared',
    });
    const outbox = await rows(container, `SELECT kind FROM outbox WHERE dedupe_key = $1`, [
      `request.created:${reference}`,
    ]);
    expect(outbox).toEqual([{ kind: 'request.created' }]);
    const back = await api().get(`/api/v1/requests/${reference}`).set(bearer(key));
    expect(back.body).toMatchObject({
      channel: 'open311',
      events: [
        expect.objectContaining({ status: 'received', actor: expect.stringMatching(/^open311:token:/) }),
      ],
    });
    const byToken = await api().get(`/open311/v2/tokens/${token}.json?jurisdiction_id=${DEMO_TENANT}`);
    expect(byToken.body).toEqual([{ service_request_id: reference, token }]);
  });

  it('names a position sent without an address by its nearest address, whose commune gets the request', async () => {
    const reverse = nock(BAN_API)
      .get('/reverse/')
      .query({ lon: String(VERNIERE_EGLISE.lon), lat: String(VERNIERE_EGLISE.lat), limit: '1' })
      .reply(200, featureCollection('', VERNIERE_EGLISE));
    try {
      const res = await api()
        .post('/open311/v2/requests.json')
        .send({
          api_key: key,
          service_code: 'voirie',
          lat: String(VERNIERE_EGLISE.lat),
          long: String(VERNIERE_EGLISE.lon),
          description: 'Plaque d’égout soulevée',
        });
      expect(res.status).toBe(201);
      expect(reverse.isDone()).toBe(true);
      const [row] = await rows<{
        commune_id: string | null;
        authority_id: string;
        location_label: string | null;
        payload: { geocoding: string; address?: Record<string, string> };
      }>(
        container,
        'SELECT commune_id, authority_id, location_label, payload FROM requests WHERE reference = $1',
        [res.body[0].service_request_id],
      );
      // Roads are the commune's competence in the demo territory: without the position's commune, the
      // request would have gone to the intercommunality's default service.
      expect(row).toMatchObject({
        commune_id: 'verniere',
        authority_id: 'commune-verniere',
        location_label: VERNIERE_EGLISE.label,
        payload: { geocoding: 'shared', address: { label: VERNIERE_EGLISE.label, citycode: '25972' } },
      });
    } finally {
      nock.cleanAll();
    }
  });

  it('locates an address without coordinates within the commune it names, as a conversation does; JSON bodies', async () => {
    const addressApi = banSearch(
      '12 rue Basse, Vernière',
      {
        label: '12 Rue Basse 25972 Vernière',
        lat: 47.1105,
        lon: 5.9213,
        citycode: '25972',
        postcode: '25972',
        city: 'Vernière',
        housenumber: '12',
      },
      { citycode: '25972' },
    );
    try {
      const res = await api().post('/open311/v2/requests.json').send({
        api_key: key,
        service_code: 'voirie',
        address_string: '12 rue Basse, Vernière',
        attribute: 'ignored',
        'attribute[description]': 'Chaussée effondrée',
      });
      expect(res.status).toBe(201);
      expect(addressApi.isDone()).toBe(true);
      const reference = res.body[0].service_request_id as string;
      const [row] = await rows<{
        commune_id: string;
        authority_id: string;
        lat: number | null;
        lon: number | null;
        needs_geocoding: boolean;
        payload: { description: string; geocoding: string; address: Record<string, string> };
      }>(
        container,
        'SELECT commune_id, authority_id, lat, lon, needs_geocoding, payload FROM requests WHERE reference = $1',
        [reference],
      );
      expect(row).toMatchObject({
        commune_id: 'verniere',
        authority_id: 'commune-verniere',
        lat: 47.1105,
        lon: 5.9213,
        needs_geocoding: false,
        payload: {
          description: 'Chaussée effondrée',
          geocoding: 'ok',
          address: {
            text: '12 rue Basse, Vernière',
            label: '12 Rue Basse 25972 Vernière',
            postcode: '25972',
          },
        },
      });
      // What an Open311 client reads back: the located address and its position.
      const back = await api().get(`/open311/v2/requests/${reference}.json?api_key=${key}`);
      expect(back.body[0]).toMatchObject({ lat: 47.1105, long: 5.9213, zipcode: '25972' });
    } finally {
      nock.cleanAll();
    }
  });

  it('searches the address within the only commune of a one-commune territory, as a conversation does', async () => {
    const otherKey = (await issueToken(container, { role: 'agent', tenantId: OTHER_TENANT })).token;
    const addressApi = banSearch(
      '4 rue des Palmistes',
      {
        label: '4 Rue des Palmistes 97399 Pointe-aux-Hérons',
        lat: 4.9371,
        lon: -52.3263,
        citycode: '97399',
        postcode: '97399',
        city: 'Pointe-aux-Hérons',
        housenumber: '4',
      },
      { citycode: '97399' },
    );
    try {
      const res = await api().post('/open311/v2/requests.json').send({
        api_key: otherKey,
        jurisdiction_id: OTHER_TENANT,
        service_code: 'voirie',
        address_string: '4 rue des Palmistes',
        description: 'Caniveau bouché',
      });
      expect(res.status).toBe(201);
      expect(addressApi.isDone()).toBe(true);
      const [row] = await rows<{ commune_id: string; lat: number | null; payload: { geocoding: string } }>(
        container,
        'SELECT commune_id, lat, payload FROM requests WHERE reference = $1',
        [res.body[0].service_request_id],
      );
      expect(row).toMatchObject({
        commune_id: 'pointe-aux-herons',
        lat: 4.9371,
        payload: { geocoding: 'ok' },
      });
    } finally {
      nock.cleanAll();
    }
  });

  it('keeps a position the address API cannot name now, and asks it nothing for a report it refuses', async () => {
    const reverse = nock(BAN_API).get('/reverse/').query(true).reply(503, 'busy');
    try {
      const refused = await api().post('/open311/v2/requests.json').send({
        api_key: key,
        service_code: 'voirie',
        lat: '47.1187',
        long: '6.0702',
        description: 'x',
      });
      expect(refused.status).toBe(400);
      expect(reverse.isDone()).toBe(false);
      const res = await api().post('/open311/v2/requests.json').send({
        api_key: key,
        service_code: 'voirie',
        lat: '47.1187',
        long: '6.0702',
        description: 'Barrière arrachée',
      });
      expect(res.status).toBe(201);
      expect(reverse.isDone()).toBe(true);
      const [row] = await rows<{
        lat: number;
        location_label: string | null;
        needs_geocoding: boolean;
        payload: { geocoding: string };
      }>(
        container,
        'SELECT lat, location_label, needs_geocoding, payload FROM requests WHERE reference = $1',
        [res.body[0].service_request_id],
      );
      expect(row).toMatchObject({
        lat: 47.1187,
        location_label: null,
        needs_geocoding: false,
        payload: { geocoding: 'shared' },
      });
    } finally {
      nock.cleanAll();
    }
  });

  it('keeps the text only when the address API finds a homonymous street elsewhere in France, or only a guess', async () => {
    const elsewhere = {
      label: '12 Rue Basse 69001 Lyon',
      lat: 45.767,
      lon: 4.834,
      citycode: '69381',
      postcode: '69001',
      city: 'Lyon',
      housenumber: '12',
    };
    const cases: [string, typeof elsewhere & { score?: number }, string][] = [
      ['12 rue Basse', elsewhere, 'outside'],
      ['rue des Oubliés', { ...elsewhere, citycode: '25971', postcode: '25971', score: 0.21 }, 'not_found'],
    ];
    for (const [text, answer, geocoding] of cases) {
      const addressApi = nock(BAN_API)
        .get('/search/')
        .query(true)
        .reply(200, featureCollection(text, answer));
      try {
        const res = await api().post('/open311/v2/requests.json').send({
          api_key: key,
          service_code: 'voirie',
          address_string: text,
          'attribute[description]': 'Nid-de-poule profond',
        });
        expect(res.status).toBe(201);
        expect(addressApi.isDone()).toBe(true);
        const [row] = await rows<{
          lat: number | null;
          needs_geocoding: boolean;
          address_text: string;
          payload: { geocoding: string };
        }>(
          container,
          'SELECT lat, needs_geocoding, address_text, payload FROM requests WHERE reference = $1',
          [res.body[0].service_request_id],
        );
        expect(row).toMatchObject({
          lat: null,
          needs_geocoding: false,
          address_text: text,
          payload: { geocoding },
        });
      } finally {
        nock.cleanAll();
      }
    }
  });

  it('records an address the address API could not locate now (down, or over its budget) for the retry job', async () => {
    const addressApi = nock('https://api-adresse.data.gouv.fr')
      .get('/search/')
      .query(true)
      .reply(503, 'busy');
    try {
      const res = await api().post('/open311/v2/requests.json').send({
        api_key: key,
        service_code: 'voirie',
        address_string: '3 impasse des Tanneurs',
        'attribute[description]': 'Regard descellé',
      });
      expect(res.status).toBe(201);
      expect(addressApi.isDone()).toBe(true);
      const [row] = await rows<{
        needs_geocoding: boolean;
        address_text: string;
        payload: { geocoding: string };
      }>(container, 'SELECT needs_geocoding, address_text, payload FROM requests WHERE reference = $1', [
        res.body[0].service_request_id,
      ]);
      expect(row).toMatchObject({
        needs_geocoding: true,
        address_text: '3 impasse des Tanneurs',
        payload: { geocoding: 'unavailable' },
      });
      const waiting = await container.store.listRequestsNeedingGeocoding(500);
      expect(waiting.map((r) => r.reference)).toContain(res.body[0].service_request_id);
    } finally {
      nock.cleanAll();
    }
  });

  it('answers errors in the spec’s format (400, 403, 404), in JSON and XML', async () => {
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ service_code: 'voirie', lat: '47', long: '5', description: 'Trou' }, 400, /api_key/],
      [
        {
          api_key: 'gch_wrong-key-wrong-key-wrong',
          service_code: 'voirie',
          lat: '47',
          long: '5',
          description: 'Trou',
        },
        403,
        /api_key/,
      ],
      [{ api_key: key, service_code: 'voirie', description: 'Trou' }, 400, /lat and long, or address_string/],
      [
        { api_key: key, service_code: 'licornes', lat: '47', long: '5', description: 'Trou' },
        400,
        /service_code/,
      ],
      [{ api_key: key, service_code: 'voirie', lat: '147', long: '5', description: 'Trou' }, 400, /lat/],
      [{ api_key: key, service_code: 'voirie', lat: '47', long: '5' }, 400, /description/],
      [
        { api_key: key, service_code: 'voirie', lat: '47', long: '5', description: 'Trou', phone: 'abc' },
        400,
        /phone/,
      ],
      // A stored photo's internal URL (a published one's key is public) is not a client's to attach: its
      // deletion with this report's anonymisation would take it from the report it belongs to.
      [
        {
          api_key: key,
          service_code: 'voirie',
          lat: '47',
          long: '5',
          description: 'Trou',
          media_url: 'media:val-de-loue/AAAAAAAAAAAAAAAAAAAAAAAA',
        },
        400,
        /media_url: .*http/,
      ],
    ];
    for (const [body, status, pattern] of cases) {
      const res = await api().post('/open311/v2/requests.json').type('form').send(body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), status]);
      expect(res.body).toEqual([{ code: status, description: expect.stringMatching(pattern) }]);
    }
    const asXml = await api().post('/open311/v2/requests.xml').type('form').send({ service_code: 'voirie' });
    expect(asXml.status).toBe(400);
    expect(asXml.headers['content-type']).toMatch(/xml/);
    expect(xml.parse(asXml.text).errors.error).toEqual({
      code: '400',
      description: expect.stringMatching(/api_key/),
    });
    const badJson = await api()
      .post('/open311/v2/requests.json')
      .set('Content-Type', 'application/json')
      .send('{"api_key":');
    expect(badJson.status).toBe(400);
    expect(badJson.body).toEqual([{ code: 400, description: expect.any(String) }]);
    expect(
      (await api().get('/open311/v2/requests/DEM-1999-000001.json?jurisdiction_id=val-de-loue')).body,
    ).toEqual([{ code: 404, description: expect.any(String) }]);
    expect((await api().get('/open311/v2/nothing-here')).status).toBe(404);
  });

  it('lists requests with the spec’s filters: ids, service_code, dates, status', async () => {
    const base = `/open311/v2/requests.json?jurisdiction_id=${DEMO_TENANT}`;
    const ids = (res: request.Response) =>
      (res.body as { service_request_id: string }[]).map((r) => r.service_request_id);
    const all = await api().get(base);
    expect(all.status).toBe(200);
    expect(all.body.length).toBeGreaterThanOrEqual(3);
    for (const item of all.body) expect(Object.keys(item).sort()).toEqual(SERVICE_REQUEST_FIELDS);
    const [lamp] = fromChat.references;
    expect(ids(await api().get(`${base}&service_request_id=${lamp},DEM-1999-000001`))).toEqual([lamp]);
    const lights = await api().get(`${base}&service_code=eclairage`);
    expect(lights.body.every((r: { service_code: string }) => r.service_code === 'eclairage')).toBe(true);
    expect(
      ids(await api().get(`${base}&start_date=2001-01-01T00:00:00Z&end_date=2001-12-31T00:00:00Z`)),
    ).toEqual([]);
    // Close one: it leaves the open list and joins the closed one, with its note.
    await api()
      .post(`/api/v1/requests/${lamp}/status`)
      .set(bearer(key))
      .send({ status: 'resolved', note: 'Ampoule changée', public: true });
    expect(ids(await api().get(`${base}&status=open`))).not.toContain(lamp);
    const closed = await api().get(`${base}&status=closed`);
    expect(
      closed.body.find((r: { service_request_id: string }) => r.service_request_id === lamp),
    ).toMatchObject({ status: 'closed', status_notes: 'Ampoule changée' });
    expect((await api().get(`${base}&status=maybe`)).status).toBe(400);
    expect((await api().get(`${base}&start_date=yesterday`)).status).toBe(400);
    const asXml = xml.parse(
      (await api().get(`/open311/v2/requests.xml?jurisdiction_id=${DEMO_TENANT}&service_request_id=${lamp}`))
        .text,
    );
    expect(asXml.service_requests.request).toMatchObject({
      service_request_id: lamp,
      status: 'closed',
      long: '5.92',
    });
  });
});
