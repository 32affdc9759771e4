// SMS and WhatsApp through the real app: signed Twilio webhooks in, TwiML out, transcript in the store.
import express from 'express';
import nock from 'nock';
import type { Engine } from '../../bot/engine';
import { DEMO_TENANT, createTestContainer } from '../support/harness';
import type { Container } from '../../server/container';
import { createTwilioNotifier } from '../../adapters/twilio';
import { createTwilioSmsRouter } from '../../channels/twilio-sms';
import { smsSegments } from '../../channels/render/sms';
import { jsonErrorHandler } from '../../server/http-errors';
import { createCatalog } from '../../knowledge/territory';
import { silentLogger } from '../../bot/logger';
import { jpegWithGps } from '../support/photos';
import { BAN_API, featureCollection, LILAS_12 } from '../conversations/ban-fixtures';
import {
  CONFIRMATION_QUESTION,
  REGISTERED_REFERENCE,
  REPORT_OPENING,
  reportAnswer,
} from '../../bench/citizen-scripts';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  DEMO_NUMBER_2,
  PUBLIC_URL,
  TWILIO_ENV,
  eventually,
  expectRestSends,
  geocoderAnswersLilas,
  messagesOf,
  mobile,
  parseTwiml,
  postSigned,
  sid,
  smsParams,
} from './twilio-helpers';

const PATH = '/channels/twilio/sms';
// A Monday, 10:00 in Paris: the town halls are open, the déchetterie is not (it opens at 14:00).
const MONDAY_10H_PARIS = new Date('2026-11-30T09:00:00Z');

let container: Container;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  container = await createTestContainer(TWILIO_ENV, { clock: () => MONDAY_10H_PARIS });
});
afterAll(async () => {
  await container.close();
  nock.cleanAll();
  nock.enableNetConnect();
});
afterEach(() => {
  // Only the persistent geocoder mock may remain.
  expect(nock.pendingMocks().filter((m) => !m.includes('api-adresse'))).toEqual([]);
});

/** Sends one SMS from `from` and returns the SMS bodies Twilio is asked to send back. */
async function sms(from: string, body: string, extra: Record<string, string> = {}): Promise<string> {
  const res = await postSigned(container.app, PATH, smsParams({ From: from, Body: body, ...extra })).expect(
    200,
  );
  expect(res.type).toBe('text/xml');
  return messagesOf(res.text).join('\n');
}

async function smsBodies(from: string, body: string): Promise<string[]> {
  const res = await postSigned(container.app, PATH, smsParams({ From: from, Body: body })).expect(200);
  return messagesOf(res.text);
}

/**
 * A pothole report from `from` up to the form's confirmation question, whatever the form asks on the way (the
 * pothole may already be reported there), answered as the bench's citizens answer.
 */
async function reportUpToConfirmation(from: string): Promise<void> {
  let reply = await sms(from, REPORT_OPENING);
  for (let i = 0; i < 8 && !CONFIRMATION_QUESTION.test(reply); i += 1)
    reply = await sms(from, reportAnswer(reply));
  expect(reply).toMatch(CONFIRMATION_QUESTION);
}

/** The requests of the citizen texting from `address`. */
async function requestsOf(address: string) {
  const conversation = await container.store.findConversation({
    tenantId: DEMO_TENANT,
    channel: 'sms',
    address,
  });
  return conversation ? container.store.listRequestsForContact(DEMO_TENANT, conversation.contactId, 10) : [];
}

async function transcriptOf(channel: 'sms' | 'whatsapp', address: string) {
  const conversation = await container.store.findConversation({ tenantId: DEMO_TENANT, channel, address });
  return conversation ? container.store.listMessages(DEMO_TENANT, conversation.id) : [];
}

describe('SMS conversations', () => {
  it('asks for opening hours over several messages, with numbered choices answered by a digit', async () => {
    const from = mobile();
    const first = await smsBodies(from, 'Bonjour');
    // First contact: the personal-data notice, whole, then the whole menu: in GSM-7 (the default: "’"
    // becomes "'"), both fit in one SMS of 3 segments.
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(
      /^Vos messages sont traités[^]*\nBonjour ! Je suis l'assistant[^]*\n1\. Connaitre des horaires d'ouverture\n[^]*\n6\. Parler à un agent\nRépondez de 1 à 6\.$/,
    );
    expect(smsSegments(first[0]!)).toMatchObject({ encoding: 'GSM-7', segments: 3 });

    const second = await sms(from, '1');
    expect(second).toMatch(/Répondez (1, 2|de 1 à)/);
    const digit = /(\d)\. Déchetterie/.exec(second)?.[1];
    expect(digit).toBeDefined();
    const third = await sms(from, digit!);
    expect(third).toMatch(/déchetterie est fermée en ce moment\. Prochaine ouverture : aujourd'hui à 14 h/i);
    // The week in a few lines, and the address kept.
    expect(third).toMatch(/\nLun 14h-17h\nMar fermé\nMer-Ven 14h-17h\nSam 9h-12h 14h-17h\nDim fermé\n/);
    expect(third).toMatch(/Zone artisanale des Prés-Bas, route de Montcey, 25972 Vernière/);
    for (const body of [second, third]) expect(smsSegments(body).segments).toBeLessThanOrEqual(3);

    const transcript = await transcriptOf('sms', from);
    // The digits are recorded as the labels they chose.
    expect(transcript.filter((m) => m.direction === 'in').map((m) => m.text)).toEqual([
      'Bonjour',
      'Connaître des horaires d’ouverture',
      'Déchetterie intercommunale des Prés-Bas',
    ]);
  });

  it('a territory that opts out of transliteration keeps its typography, paged rather than cut', async () => {
    const original = container.territories.current();
    const demo = original.get(DEMO_TENANT)!;
    container.territories.replace(
      createCatalog(
        original
          .list()
          .map((t) => (t === demo ? { ...demo, sms: { transliterate: false, segmentBudget: 3 } } : t)),
      ),
    );
    try {
      const from = mobile();
      const bodies = await smsBodies(from, 'Bonjour');
      // UCS-2 ("’"): the notice alone, then the menu's first page.
      expect(bodies[0]).toBe(demo.notice.shortText);
      expect(bodies[1]).toMatch(/Je suis l’assistant[^]*\nRépondez SUITE pour la suite\.$/);
      const rest = await smsBodies(from, 'SUITE');
      expect([...bodies, ...rest].join('\n')).toMatch(/6\. Parler à un agent\nRépondez de 1 à 6\.$/);
      for (const body of [...bodies, ...rest]) expect(smsSegments(body).segments).toBeLessThanOrEqual(3);
    } finally {
      container.territories.replace(original);
    }
  });

  it('answers a direct question in one SMS', async () => {
    const reply = await sms(mobile(), 'horaires de la mairie de Montcey-sur-Loue');
    expect(reply).toMatch(/mairie de Montcey-sur-Loue est ouverte en ce moment, jusqu'à 12 h/i);
  });

  it('reports an incident: the request is committed before the reference is sent', async () => {
    geocoderAnswersLilas();
    const from = mobile();
    expect(await sms(from, 'Il y a un nid de poule')).toMatch(/Où se situe le problème/);
    expect(await sms(from, '12 rue des Lilas à Montcey-sur-Loue')).toMatch(/12 Rue des Lilas/);
    let reply = await sms(from, 'un gros trou dangereux sur la chaussée');
    // Whatever the form still asks (photo, contact), answer "non" until the summary is offered.
    for (let i = 0; i < 4 && !/1\. Oui, enregistrer/.test(reply); i += 1) reply = await sms(from, 'non');
    expect(reply).toMatch(/Récapitulatif de votre signalement/);
    expect(reply).toMatch(/1\. Oui, enregistrer\n2\. Non, corriger/);
    const done = await sms(from, '1');
    const reference = /DEM-\d{4}-[0-9A-Z]{6}/.exec(done)?.[0];
    expect(reference).toBeDefined();
    const request = await container.store.getRequestByReference(DEMO_TENANT, reference!);
    expect(request).toMatchObject({
      type: 'report_incident',
      channel: 'sms',
      addressText: expect.stringMatching(/Lilas/),
    });
  });

  it('a report whose drawn reference is already taken is registered under another one, once', async () => {
    geocoderAnswersLilas();
    const from = mobile();
    const report = async (): Promise<string> => {
      await reportUpToConfirmation(from);
      return sms(from, 'oui');
    };
    const first = REGISTERED_REFERENCE.exec(await report())?.[1];
    expect(first).toBeDefined();
    const draw = jest.spyOn(container.store, 'draftReference').mockReturnValueOnce(first!);
    try {
      const second = REGISTERED_REFERENCE.exec(await report())?.[1];
      expect(second).toBeDefined();
      expect(second).not.toBe(first);
      expect(draw).toHaveBeenCalledTimes(2); // the taken one, then the turn again with a new one
    } finally {
      draw.mockRestore();
    }
    const transcript = await transcriptOf('sms', from);
    expect(transcript.filter((m) => m.direction === 'in' && m.text === 'oui')).toHaveLength(2);
    expect(transcript.filter((m) => REGISTERED_REFERENCE.test(m.text))).toHaveLength(2);
    expect(await requestsOf(from)).toHaveLength(2);
  });

  it('a retried webhook — three at once — gets the same TwiML and causes one side effect', async () => {
    geocoderAnswersLilas();
    const from = mobile();
    await sms(from, 'Il y a un lampadaire en panne');
    await sms(from, '12 rue des Lilas à Montcey-sur-Loue');
    let reply = await sms(from, 'il ne s’allume plus le soir');
    for (let i = 0; i < 4 && !/1\. Oui, enregistrer/.test(reply); i += 1) reply = await sms(from, 'non');
    expect(reply).toMatch(/1\. Oui, enregistrer/);

    // The confirmation, delivered three times concurrently (Twilio retry, proxy replay…).
    const params = smsParams({ From: from, Body: 'oui' });
    const answers = await Promise.all(
      [1, 2, 3].map(() => postSigned(container.app, PATH, params).expect(200)),
    );
    const bodies = answers.map((a) => messagesOf(a.text));
    expect(bodies[0]!.join('\n')).toMatch(/DEM-\d{4}-[0-9A-Z]{6}/);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);

    const transcript = await transcriptOf('sms', from);
    expect(
      transcript.filter((m) => m.direction === 'in' && m.providerMessageId === params.MessageSid),
    ).toHaveLength(1);
    expect(await requestsOf(from)).toHaveLength(1);
  });

  it('reaches the same territory through any of its numbers', async () => {
    const reply = await sms(mobile(), 'horaires de la piscine', { To: DEMO_NUMBER_2 });
    expect(reply).toMatch(/piscine/i);
  });
});

describe('WhatsApp', () => {
  it('is recognised by its sender prefix, keeps accents, and stores a shared location and photo', async () => {
    const phone = mobile();
    const from = `whatsapp:${phone}`;
    // The photo is fetched from Twilio with the account's credentials and stored (tests/channels/twilio-media.test.ts).
    const photo = await jpegWithGps();
    nock('https://api.twilio.com')
      .get(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/MM1/Media/ME1`)
      .basicAuth({ user: ACCOUNT_SID, pass: AUTH_TOKEN })
      .reply(200, photo, { 'Content-Type': 'image/jpeg' });
    const res = await postSigned(
      container.app,
      PATH,
      smsParams({
        From: from,
        Body: 'Il y a un dépôt sauvage ici',
        NumMedia: '1',
        MediaUrl0: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/MM1/Media/ME1`,
        MediaContentType0: 'image/jpeg',
        MessageType: 'image',
      }),
    ).expect(200);
    expect(messagesOf(res.text).join('\n')).toMatch(/signalement/);

    await postSigned(
      container.app,
      PATH,
      smsParams({
        From: from,
        Body: '',
        Latitude: '47.10215',
        Longitude: '6.05102',
        Address: '12 Rue des Lilas, Montcey-sur-Loue',
        Label: 'Rue des Lilas',
        MessageType: 'location',
      }),
    ).expect(200);

    const transcript = await transcriptOf('whatsapp', phone);
    const inbound = transcript.filter((m) => m.direction === 'in');
    expect(inbound[0]?.payload).toMatchObject({
      media: [{ url: expect.stringMatching(/^media:val-de-loue\//), contentType: 'image/jpeg' }],
    });
    expect(inbound[1]?.payload).toMatchObject({
      location: { lat: 47.10215, lon: 6.05102, label: '12 Rue des Lilas, Montcey-sur-Loue' },
    });
    // The conversation is on the WhatsApp channel, addressed by the bare number.
    expect(await transcriptOf('sms', phone)).toEqual([]);
  });
});

describe('WhatsApp location', () => {
  it('names a shared location with the national address API, for the citizen to check', async () => {
    const reverse = nock(BAN_API)
      .get('/reverse/')
      .query({ lon: '6.0911', lat: '47.1411', limit: '1' })
      .reply(200, featureCollection('', LILAS_12));
    const from = `whatsapp:${mobile()}`;
    expect(await sms(from, 'je veux signaler un dépôt sauvage de déchets')).toMatch(
      /Où se situe le problème/,
    );
    const answer = await sms(from, '', { Latitude: '47.1411', Longitude: '6.0911', MessageType: 'location' });
    expect(answer).toContain(`C’est noté : ${LILAS_12.label}`);
    expect(reverse.isDone()).toBe(true);
  });
});

describe('STOP and START', () => {
  it('STOP opts the contact out and says so; START opts back in; the dialogue is not involved', async () => {
    const from = mobile();
    await sms(from, 'Bonjour');
    const spy = jest.spyOn(container.store, 'setContactOptOut');
    const dialogue = jest.spyOn(container.engine.dialogue, 'run');
    try {
      expect(await sms(from, 'STOP')).toMatch(
        /ne recevrez plus de messages de la Communauté de communes du Val de Loue/,
      );
      expect(await sms(from, 'Arrêt')).toMatch(/ne recevrez plus de messages/);
      expect(await sms(from, 'START')).toMatch(/recevrez à nouveau/);
      expect(dialogue).not.toHaveBeenCalled();
      const conversation = await container.store.findConversation({
        tenantId: DEMO_TENANT,
        channel: 'sms',
        address: from,
      });
      expect(spy.mock.calls).toEqual([
        [DEMO_TENANT, conversation!.contactId, true],
        [DEMO_TENANT, conversation!.contactId, true],
        [DEMO_TENANT, conversation!.contactId, false],
      ]);
    } finally {
      spy.mockRestore();
      dialogue.mockRestore();
    }
  });

  it('YES re-subscribes only right after STOP; elsewhere it is an ordinary answer', async () => {
    const from = mobile();
    await sms(from, 'STOP');
    expect(await sms(from, 'YES')).toMatch(/recevrez à nouveau/);
    expect(await sms(from, 'YES')).not.toMatch(/recevrez à nouveau/);
  });

  it('OUI after STOP re-subscribes, also mid-conversation; once the assistant answered in between, it does not', async () => {
    const from = mobile();
    await sms(from, 'horaires de la mairie de Montcey-sur-Loue');
    await sms(from, 'STOP');
    expect(await sms(from, 'OUI')).toMatch(/recevrez à nouveau/);
    await sms(from, 'STOP');
    expect(await sms(from, 'horaires de la médiathèque')).toMatch(/médiathèque/i);
    expect(await sms(from, 'OUI')).not.toMatch(/recevrez à nouveau/);
  });

  it('an ordinary "oui" costs no read of the transcript', async () => {
    geocoderAnswersLilas();
    const from = mobile();
    await reportUpToConfirmation(from);
    const reads = jest.spyOn(container.store, 'listMessages');
    try {
      expect(await sms(from, 'oui')).toMatch(/enregistré sous la référence/);
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
  });

  it('a STOP sent during a turn of the same conversation waits for it: opt-out and transcript stay in order', async () => {
    const from = mobile();
    // The conversation's lock key as the engine asks for it (a keyed hash of the address).
    const asked = jest.spyOn(container.locks, 'acquire');
    await sms(from, 'Bonjour');
    const lockKey = asked.mock.calls[0]![0];
    asked.mockRestore();
    const conversation = await container.store.findConversation({
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address: from,
    });
    // A turn of this conversation is running: it holds the conversation's lock (the engine's key).
    const running = await container.locks.acquire(lockKey, {
      ttlMs: 15_000,
      waitMs: 1000,
    });
    const stop = postSigned(container.app, PATH, smsParams({ From: from, Body: 'STOP' }))
      .expect(200)
      .then((res) => messagesOf(res.text));
    // Room for a STOP that ignored the lock to commit first (it would then precede the running turn).
    await new Promise((resolve) => setTimeout(resolve, 300));
    await container.store.commitTurn({
      tenantId: DEMO_TENANT,
      conversationId: conversation!.id,
      messages: [
        { direction: 'in', text: 'horaires de la mairie' },
        { direction: 'out', text: 'La mairie est ouverte de 9 h à 12 h.' },
      ],
      requests: [],
      outbox: [],
      fenceToken: running.token,
    });
    await running.release();
    expect((await stop).join('\n')).toMatch(/ne recevrez plus de messages/);
    const texts = (await transcriptOf('sms', from)).map((m) => m.text);
    expect(texts.slice(-4)).toEqual([
      'horaires de la mairie',
      'La mairie est ouverte de 9 h à 12 h.',
      'STOP',
      expect.stringMatching(/ne recevrez plus de messages/),
    ]);
  });

  it('a retried STOP is answered the same and recorded once', async () => {
    const from = mobile();
    const params = smsParams({ From: from, Body: 'STOP' });
    const [a, b] = await Promise.all([
      postSigned(container.app, PATH, params),
      postSigned(container.app, PATH, params),
    ]);
    expect(messagesOf(a.text)).toEqual(messagesOf(b.text));
    const transcript = await transcriptOf('sms', from);
    expect(transcript.filter((m) => m.direction === 'out')).toHaveLength(1);
  });
});

describe('refused and invalid webhooks', () => {
  const nothingWritten = async (from: string) => {
    expect(
      await container.store.findConversation({ tenantId: DEMO_TENANT, channel: 'sms', address: from }),
    ).toBeNull();
  };

  it.each([
    ['unsigned', { signature: null }],
    ['signed with another token', { token: 'not-the-auth-token-0000000000000' }],
    ['signed for another URL', { url: `${PUBLIC_URL}/channels/twilio/voice` }],
    ['with a truncated signature', { signature: 'AbCdEf' }],
  ])('%s → 403, nothing stored, no engine call', async (_name, options) => {
    const from = mobile();
    const handleTurn = jest.spyOn(container.engine, 'handleTurn');
    try {
      const res = await postSigned(
        container.app,
        PATH,
        smsParams({ From: from, Body: 'horaires de la mairie' }),
        options,
      ).expect(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect(handleTurn).not.toHaveBeenCalled();
    } finally {
      handleTurn.mockRestore();
    }
    await nothingWritten(from);
  });

  it('a tampered parameter → 403 and nothing stored', async () => {
    const from = mobile();
    const params = smsParams({ From: from, Body: 'horaires de la mairie' });
    const res = await postSigned(container.app, PATH, params);
    expect(res.status).toBe(200);
    const tampered = { ...params, MessageSid: sid('SM'), Body: 'STOP' };
    const signature = (await import('twilio')).default.getExpectedTwilioSignature(
      AUTH_TOKEN,
      `${PUBLIC_URL}${PATH}`,
      params,
    );
    await postSigned(container.app, PATH, tampered, { signature }).expect(403);
    const transcript = await transcriptOf('sms', from);
    expect(transcript.filter((m) => m.direction === 'in').map((m) => m.text)).toEqual([
      'horaires de la mairie',
    ]);
  });

  it.each([
    ['no MessageSid', { MessageSid: '' }],
    ['an empty sender', { From: '' }],
    ['a body above 2,000 characters', { Body: 'a'.repeat(2001) }],
    ['a media count with no media URL', { NumMedia: '1' }],
    ['a media URL that is not a URL', { NumMedia: '1', MediaUrl0: 'not a url' }],
    ['a latitude out of range', { Latitude: '123', Longitude: '6' }],
  ])('a signed webhook with %s → 400, never 5xx', async (_name, fields) => {
    const from = mobile();
    const res = await postSigned(container.app, PATH, {
      ...smsParams({ From: from, Body: 'bonjour' }),
      ...fields,
    }).expect(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    await nothingWritten(from);
  });

  it('an unknown number called → a polite TwiML answer (200, so Twilio does not retry), nothing stored', async () => {
    const from = mobile();
    const res = await postSigned(
      container.app,
      PATH,
      smsParams({ From: from, Body: 'bonjour', To: '+33100000000' }),
    ).expect(200);
    expect(messagesOf(res.text).join(' ')).toMatch(/n’est relié à aucun service/);
    await nothingWritten(from);
  });

  it('a body above the size limit → 413', async () => {
    await postSigned(
      container.app,
      PATH,
      smsParams({ From: mobile(), Body: 'x', Padding: 'y'.repeat(40_000) }),
    ).expect(413);
  });
});

describe('a turn slower than the deadline', () => {
  /** The real engine, held back until `release()`: the webhook must not wait for it. */
  function slowEngine(engine: Engine) {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Engine = {
      ...engine,
      dialogue: engine.dialogue,
      degradedReplies: engine.degradedReplies,
      handleTurn: async (m) => (await gate, engine.handleTurn(m)),
    };
    return { slow, release };
  }

  function appWith(engine: Engine) {
    const app = express();
    app.use(
      '/channels/twilio',
      createTwilioSmsRouter({
        engine,
        idempotency: container.idempotency,
        territories: container.territories,
        auth: { authToken: AUTH_TOKEN, accountSid: ACCOUNT_SID, skipSignature: false, publicUrl: PUBLIC_URL },
        logger: silentLogger,
        sender: createTwilioNotifier({
          accountSid: ACCOUNT_SID,
          authToken: AUTH_TOKEN,
          retries: 1,
          baseDelayMs: 1,
        }),
        replyDeadlineMs: 30,
      }),
    );
    app.use(jsonErrorHandler(silentLogger));
    return app;
  }

  it('answers an empty <Response/> at once, then sends the replies through the REST API', async () => {
    const { slow, release } = slowEngine(container.engine);
    const app = appWith(slow);
    const from = mobile();
    // First contact: the notice and the answer, in one SMS.
    const sends = expectRestSends(1);
    const params = smsParams({ From: from, Body: 'horaires de la mairie de Vernière' });

    const res = await postSigned(app, PATH, params).expect(200);
    expect(parseTwiml(res.text)).toEqual({});
    expect(sends.bodies).toHaveLength(0);

    release();
    await eventually(() => sends.bodies.length === 1);
    expect(sends.bodies[0]).toMatchObject({
      To: from,
      From: '+33939980101',
      Body: expect.stringMatching(/^Vos messages sont traités[^]*mairie de Vernière/i),
    });

    // Twilio retries the same message later: the replies already went by REST, nothing is sent twice.
    const retry = await postSigned(app, PATH, params).expect(200);
    expect(parseTwiml(retry.text)).toEqual({});
    const transcript = await transcriptOf('sms', from);
    expect(transcript.filter((m) => m.direction === 'in')).toHaveLength(1);
  });

  it('sends WhatsApp late replies to the whatsapp: address', async () => {
    const { slow, release } = slowEngine(container.engine);
    const app = appWith(slow);
    const phone = mobile();
    const sends = expectRestSends(1);
    await postSigned(
      app,
      PATH,
      smsParams({ From: `whatsapp:${phone}`, Body: 'horaires de la médiathèque' }),
    ).expect(200);
    release();
    await eventually(() => sends.bodies.length === 1);
    // WhatsApp has no segment budget: notice and answer travel together.
    expect(sends.bodies[0]).toMatchObject({
      To: `whatsapp:${phone}`,
      From: 'whatsapp:+33939980101',
      Body: expect.stringMatching(/médiathèque/i),
    });
  });

  it('when the engine fails, answers the degraded message in TwiML (200), not a 5xx', async () => {
    const failing: Engine = {
      ...container.engine,
      dialogue: container.engine.dialogue,
      degradedReplies: container.engine.degradedReplies,
      handleTurn: () => Promise.reject(new Error('store down')),
    };
    const res = await postSigned(
      appWith(failing),
      PATH,
      smsParams({ From: mobile(), Body: 'bonjour' }),
    ).expect(200);
    // The counter's number with its usual hours in words (phrased on first use, server/tenants.ts; GSM dashes).
    expect(messagesOf(res.text).join(' ')).toMatch(
      /momentanément indisponible.*01 99 00 10 00 \(lundi - vendredi : 8 h 30 - 12 h, 13 h 30 - 17 h\)/,
    );
  });
});
