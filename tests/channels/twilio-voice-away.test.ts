// The phone line never strands a caller: out of the agents' hours (or when nobody answers the transfer) the
// caller hears why and chooses, by voice or keypad, a callback (their number, or one they type), a voice
// message, or an SMS with the counter's hours and contacts — and what they chose is what lands for the
// agents (callbacks list, queue with the recording, transcript), never words the caller did not hear.
import nock from 'nock';
import request from 'supertest';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import { backofficeContainer, bearer, issueToken, rows } from '../backoffice/support';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  DEMO_NUMBER,
  TWILIO_API,
  PUBLIC_URL,
  TWILIO_ENV,
  expectRestSends,
  gatherAction,
  mobile,
  parseTwiml,
  postSigned,
  sid,
  spokenOf,
  voiceParams,
} from './twilio-helpers';

const PATH = '/channels/twilio/voice';
// Saturday 10:00 in Paris: the agents (Mo-Fr 09:00-12:00,14:00-17:00) are away until Monday 9:00.
const SATURDAY_10H_PARIS = new Date('2026-11-28T09:00:00Z');
const MONDAY_10H_PARIS = new Date('2026-11-30T09:00:00Z');

let now = SATURDAY_10H_PARIS;
let container: Container;
let agent: string;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  container = await backofficeContainer(TWILIO_ENV, { clock: () => now });
  agent = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT })).token;
}, 120_000);
afterAll(async () => {
  await container.close();
  nock.cleanAll();
  nock.enableNetConnect();
}, 120_000);
beforeEach(() => {
  now = SATURDAY_10H_PARIS;
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

/** One phone call, driven as Twilio drives it. */
class Call {
  readonly callSid = sid('CA');
  twiml = '';
  constructor(readonly from: string = mobile()) {}

  async start(): Promise<this> {
    this.twiml = (
      await postSigned(container.app, PATH, voiceParams(this.callSid, this.from)).expect(200)
    ).text;
    return this;
  }

  async answer(input: { speech?: string; digits?: string } = {}): Promise<string> {
    return this.post(gatherAction(this.twiml), {
      ...(input.speech !== undefined ? { SpeechResult: input.speech, Confidence: '0.9' } : {}),
      ...(input.digits !== undefined ? { Digits: input.digits } : {}),
    });
  }

  async post(path: string, extra: Record<string, string> = {}): Promise<string> {
    const res = await postSigned(container.app, path, voiceParams(this.callSid, this.from, extra)).expect(
      200,
    );
    this.twiml = res.text;
    return spokenOf(res.text);
  }

  /** Asks for a person in the caller's own words. */
  async askForAPerson(): Promise<string> {
    await this.start();
    return this.answer({ speech: 'je voudrais parler à un conseiller' });
  }

  get hungUp(): boolean {
    return (parseTwiml(this.twiml).Hangup ?? []).length === 1;
  }
}

const relative = (url: string) => (url.startsWith(PUBLIC_URL) ? url.slice(PUBLIC_URL.length) : url);

async function conversationOf(call: Call) {
  return container.store.findConversation({ tenantId: DEMO_TENANT, channel: 'voice', address: call.callSid });
}
async function transcriptOf(call: Call) {
  const conversation = await conversationOf(call);
  return conversation ? container.store.listMessages(DEMO_TENANT, conversation.id) : [];
}
async function drainOutbox() {
  while ((await container.backoffice!.relay.runOnce()) > 0) {
    // drain
  }
}
async function callbacksFor(call: Call) {
  await drainOutbox();
  const conversation = await conversationOf(call);
  const res = await request(container.app).get('/api/v1/callbacks').set(bearer(agent)).expect(200);
  return (
    res.body.items as { conversationId: string; phone: string; promisedBy: string; question: string | null }[]
  ).filter((c) => c.conversationId === conversation?.id);
}

describe('out of the agents’ hours', () => {
  it('says why and offers a callback, a voice message or an SMS — and queues nothing the caller did not hear', async () => {
    const call = new Call();
    const spoken = await call.askForAPerson();
    expect(parseTwiml(call.twiml).Dial).toBeUndefined();
    expect(spoken).toMatch(
      /Nos agents ne sont pas disponibles en ce moment\. Ils seront de retour lundi 30 novembre à 9 heures\./,
    );
    expect(spoken).toMatch(/Pour être rappelé dès leur retour, tapez 1 ou dites rappel\./);
    expect(spoken).toMatch(/Pour laisser un message vocal, tapez 2 ou dites message\./);
    expect(spoken).toMatch(/Pour recevoir par SMS nos horaires et nos contacts, tapez 3 ou dites SMS\./);

    const conversation = await conversationOf(call);
    expect(conversation?.owner).toBe('bot');
    const said = (await transcriptOf(call)).map((m) => m.text).join('\n');
    expect(said).not.toMatch(/Je transmets votre demande|va vous répondre ici/);
    expect(
      await rows(
        container,
        `SELECT 1 FROM outbox WHERE kind = 'conversation.handover' AND payload ->> 'conversationId' = $1`,
        [conversation!.id],
      ),
    ).toEqual([]);
  });

  it('a callback to the caller’s own number lands in the callbacks list, due by the end of Monday morning', async () => {
    const call = new Call();
    await call.askForAPerson();
    const digitsOf = call.from.replace('+33', '0').replace(/(\d{2})(?=\d)/g, '$1 ');
    expect(await call.answer({ speech: 'être rappelé' })).toBe(
      `Un agent vous rappellera au ${digitsOf}. Pour ce numéro, tapez 1. Pour un autre numéro, tapez 2.`,
    );
    const done = await call.answer({ digits: '1' });
    expect(done).toMatch(
      new RegExp(
        `C’est noté : un agent vous rappellera au ${digitsOf} à partir de lundi 30 novembre à 9 heures\\. .*Au revoir\\.`,
      ),
    );
    expect(call.hungUp).toBe(true);

    const [task, ...others] = await callbacksFor(call);
    expect(others).toEqual([]);
    expect(task).toMatchObject({ phone: call.from, promisedBy: '2026-11-30T11:00:00.000Z' });
    expect((await conversationOf(call))?.owner).toBe('queue');
    // What the caller heard is what the agents read.
    expect((await transcriptOf(call)).map((m) => m.text)).toContain(
      done.replace(/ Merci de votre appel\. Au revoir\.$/, '').replace('9 heures', '9 h'),
    );
  });

  it('a callback to another number: typed on the keypad, checked, read back, confirmed', async () => {
    const call = new Call();
    await call.askForAPerson();
    await call.answer({ digits: '1' });
    expect(await call.answer({ digits: '2' })).toMatch(
      /Tapez le numéro de téléphone auquel vous rappeler, puis la touche dièse\./,
    );
    const gather = parseTwiml(call.twiml).Gather?.[0];
    expect(gather).toMatchObject({ input: 'dtmf', finishOnKey: '#' });

    expect(await call.answer({ digits: '12#' })).toMatch(/Ce numéro n’est pas valide\..*Tapez le numéro/);
    expect(await call.answer({ digits: '0612345678#' })).toBe(
      'J’ai noté le 06 12 34 56 78. Pour confirmer, tapez 1. Pour le corriger, tapez 2.',
    );
    expect(await call.answer({ digits: '1' })).toMatch(/un agent vous rappellera au 06 12 34 56 78/);
    expect((await callbacksFor(call)).map((c) => c.phone)).toEqual(['+33612345678']);
  });

  it('a hidden caller is asked for a number straight away', async () => {
    const call = new Call('anonymous');
    await call.askForAPerson();
    expect(await call.answer({ digits: '1' })).toMatch(/^Tapez le numéro de téléphone/);
  });

  it('a voice message: recorded after the beep, stored with the call in the agents’ queue, its transcription added', async () => {
    const call = new Call();
    await call.askForAPerson();
    expect(await call.answer({ digits: '2' })).toMatch(/Laissez votre message après le bip\./);
    const record = parseTwiml(call.twiml).Record?.[0];
    expect(record).toMatchObject({
      playBeep: 'true',
      finishOnKey: '#',
      maxLength: '120',
      transcribe: 'true',
      recordingStatusCallback: `${PUBLIC_URL}${PATH}?step=recording&tenant=${DEMO_TENANT}`,
      transcribeCallback: `${PUBLIC_URL}${PATH}?step=transcription&tenant=${DEMO_TENANT}`,
    });
    expect(record?.action).toMatch(/step=recorded/);

    const recordingSid = `RE${'a1'.repeat(16)}`.slice(0, 34);
    const thanks = await call.post(relative(record!.action), {
      RecordingSid: recordingSid,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`,
      RecordingDuration: '14',
      Digits: '#',
    });
    expect(thanks).toMatch(
      /Merci, votre message est enregistré\. Un agent l’écoutera à partir de lundi 30 novembre à 9 heures\./,
    );
    expect(call.hungUp).toBe(true);

    // Twilio's status callback, sent twice (a retry): one message in the transcript, one hand-over.
    const status = {
      AccountSid: ACCOUNT_SID,
      CallSid: call.callSid,
      RecordingSid: recordingSid,
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`,
      RecordingStatus: 'completed',
      RecordingDuration: '14',
      RecordingChannels: '1',
      RecordingSource: 'RecordVerb',
    };
    const statusPath = relative(record!.recordingStatusCallback!);
    await postSigned(container.app, statusPath, status).expect(204);
    await postSigned(container.app, statusPath, status).expect(204);
    const conversation = await conversationOf(call);
    expect(conversation?.owner).toBe('queue');
    const voiceMessages = (await transcriptOf(call)).filter((m) => /Message vocal/.test(m.text));
    // The call's conversation is addressed by its CallSid: the agents find the caller's number in the request
    // « Message vocal » the transcript names (its contact, shown on demand), never in the transcript.
    expect(voiceMessages.map((m) => m.text)).toEqual([
      expect.stringMatching(/^Message vocal \(14 s\) : demande DEM-\d{4}-[0-9A-Z]+$/),
    ]);
    expect(voiceMessages[0]?.payload).toEqual({ voiceMessage: { recordingSid, durationS: 14 } });
    expect(JSON.stringify(await transcriptOf(call))).not.toContain(call.from.slice(3));
    // The agents see it in the queue, with what the caller chose.
    const detail = await request(container.app)
      .get(`/api/v1/conversations/${conversation!.id}`)
      .set(bearer(agent))
      .expect(200);
    expect(JSON.stringify(detail.body)).toContain('"followUp":{"kind":"voice_message"');

    await postSigned(container.app, relative(record!.transcribeCallback!), {
      AccountSid: ACCOUNT_SID,
      CallSid: call.callSid,
      RecordingSid: recordingSid,
      TranscriptionSid: `TR${'b2'.repeat(16)}`,
      TranscriptionStatus: 'completed',
      TranscriptionText: 'Bonjour, le lampadaire devant le 3 rue des Lilas est éteint.',
    }).expect(204);
    expect((await transcriptOf(call)).map((m) => m.text)).toContain(
      'Transcription du message vocal : Bonjour, le lampadaire devant le 3 rue des Lilas est éteint.',
    );
  });

  it('agents listen to a voice message through the back office, streamed from Twilio with the account’s credentials', async () => {
    const call = new Call();
    await call.askForAPerson();
    await call.answer({ digits: '2' });
    const record = parseTwiml(call.twiml).Record![0]!;
    const recordingSid = sid('CA').replace(/^CA/, 'RE');
    await postSigned(container.app, relative(record.recordingStatusCallback!), {
      AccountSid: ACCOUNT_SID,
      CallSid: call.callSid,
      RecordingSid: recordingSid,
      RecordingStatus: 'completed',
      RecordingDuration: '9',
    }).expect(204);
    const conversation = (await conversationOf(call))!;
    const listen = (sidToPlay = recordingSid) =>
      request(container.app)
        .get(`/api/v1/conversations/${conversation.id}/voice-messages/${sidToPlay}`)
        .set(bearer(agent))
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
    const audio = Buffer.from('ID3 fake mp3 bytes');
    const recordingPath = `/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}.mp3`;

    nock(TWILIO_API)
      .get(recordingPath)
      .basicAuth({ user: ACCOUNT_SID, pass: AUTH_TOKEN })
      .reply(200, audio, { 'Content-Type': 'audio/mpeg' });
    const played = await listen().expect(200);
    expect(played.headers['content-type']).toBe('audio/mpeg');
    expect(played.body).toEqual(audio);
    expect(JSON.stringify(played.headers)).not.toContain(AUTH_TOKEN);

    // Twilio down, or the recording deleted there: said plainly, never a 5xx from us without a reason.
    nock(TWILIO_API).get(recordingPath).reply(500, 'oops');
    const down = await request(container.app)
      .get(`/api/v1/conversations/${conversation.id}/voice-messages/${recordingSid}`)
      .set(bearer(agent))
      .expect(503);
    expect(down.body.error.message).toMatch(/Twilio does not answer/);
    nock(TWILIO_API).get(recordingPath).reply(404, {});
    await request(container.app)
      .get(`/api/v1/conversations/${conversation.id}/voice-messages/${recordingSid}`)
      .set(bearer(agent))
      .expect(404);

    // Only a recording of this conversation, only for a signed-in agent.
    await request(container.app)
      .get(`/api/v1/conversations/${conversation.id}/voice-messages/RE${'d4'.repeat(16)}`)
      .set(bearer(agent))
      .expect(404);
    await request(container.app)
      .get(`/api/v1/conversations/${conversation.id}/voice-messages/${recordingSid}`)
      .expect(401);
  });

  it('a voice message becomes a request « Message vocal »: once, its number hidden, transcribed in its history, played from it', async () => {
    const call = new Call();
    await call.askForAPerson();
    await call.answer({ digits: '2' });
    const record = parseTwiml(call.twiml).Record![0]!;
    const recordingSid = sid('CA').replace(/^CA/, 'RE');
    const status = {
      AccountSid: ACCOUNT_SID,
      CallSid: call.callSid,
      RecordingSid: recordingSid,
      RecordingStatus: 'completed',
      RecordingDuration: '11',
    };
    // Twilio retries: one request all the same.
    await postSigned(container.app, relative(record.recordingStatusCallback!), status).expect(204);
    await postSigned(container.app, relative(record.recordingStatusCallback!), status).expect(204);
    const conversation = (await conversationOf(call))!;
    const list = await request(container.app)
      .get('/api/v1/requests')
      .query({ type: 'voice_message' })
      .set(bearer(agent))
      .expect(200);
    const mine = (
      list.body.items as { reference: string; conversationId: string; payload: Record<string, unknown> }[]
    ).filter((r) => r.conversationId === conversation.id);
    expect(mine).toHaveLength(1);
    const voice = mine[0]!;
    expect(voice.payload).toEqual({
      voiceMessage: { recordingSid, durationS: 11 },
      contact: { kind: 'phone', hidden: true },
    });
    expect(JSON.stringify(list.body)).not.toContain(call.from);
    const vocabulary = await request(container.app).get('/api/v1/vocabulary').set(bearer(agent)).expect(200);
    expect(vocabulary.body.requestTypes.voice_message).toBe('Message vocal');
    const contact = await request(container.app)
      .get(`/api/v1/requests/${voice.reference}/contact`)
      .set(bearer(agent))
      .expect(200);
    expect(JSON.stringify(contact.body)).toContain(call.from);

    const transcription = {
      AccountSid: ACCOUNT_SID,
      CallSid: call.callSid,
      RecordingSid: recordingSid,
      TranscriptionSid: `TR${'e5'.repeat(16)}`,
      TranscriptionStatus: 'completed',
      TranscriptionText: 'Le container à verres de la place est plein.',
    };
    await postSigned(container.app, relative(record.transcribeCallback!), transcription).expect(204);
    await postSigned(container.app, relative(record.transcribeCallback!), transcription).expect(204);
    const timeline = await request(container.app)
      .get(`/api/v1/requests/${voice.reference}/timeline`)
      .set(bearer(agent))
      .expect(200);
    const texts = (timeline.body.items as { text: string | null }[]).map((i) => i.text ?? '');
    expect(texts.filter((t) => t.includes('Le container à verres de la place est plein.'))).toHaveLength(1);
    const detail = await request(container.app)
      .get(`/api/v1/requests/${voice.reference}`)
      .set(bearer(agent))
      .expect(200);
    expect(detail.body.payload.voiceMessage.transcription).toBe(
      'Le container à verres de la place est plein.',
    );

    const audio = Buffer.from('ID3 fake mp3 bytes');
    nock(TWILIO_API)
      .get(`/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}.mp3`)
      .basicAuth({ user: ACCOUNT_SID, pass: AUTH_TOKEN })
      .reply(200, audio, { 'Content-Type': 'audio/mpeg' });
    const played = await request(container.app)
      .get(`/api/v1/requests/${voice.reference}/voice-message`)
      .set(bearer(agent))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(played.body).toEqual(audio);
    const audit = await rows<{ details: Record<string, unknown> }>(
      container,
      `SELECT details FROM audit_log WHERE action = 'voice_message.listen' AND details ->> 'recordingSid' = $1`,
      [recordingSid],
    );
    expect(audit).toHaveLength(1);
    await request(container.app).get(`/api/v1/requests/${voice.reference}/voice-message`).expect(401);
  });

  it('a voice message left empty offers the choices again; status callbacks must be signed and name a territory', async () => {
    const call = new Call();
    await call.askForAPerson();
    await call.answer({ digits: '2' });
    const record = parseTwiml(call.twiml).Record![0]!;
    expect(await call.post(relative(record.action), { RecordingDuration: '0' })).toMatch(
      /^Je n’ai rien enregistré\..*Pour laisser un message vocal, tapez 2/,
    );

    const status = {
      AccountSid: ACCOUNT_SID,
      CallSid: call.callSid,
      RecordingSid: `RE${'c3'.repeat(16)}`,
      RecordingStatus: 'completed',
      RecordingDuration: '3',
    };
    await postSigned(container.app, relative(record.recordingStatusCallback!), status, {
      signature: null,
    }).expect(403);
    await postSigned(container.app, `${PATH}?step=recording&tenant=nowhere`, status).expect(400);
    await postSigned(container.app, relative(record.recordingStatusCallback!), {
      ...status,
      RecordingSid: 'RE1',
    }).expect(400);
    expect((await transcriptOf(call)).some((m) => /Message vocal/.test(m.text))).toBe(false);

    // Twilio could not transcribe (French often is not): nothing is added, Twilio is not asked to retry.
    await postSigned(container.app, relative(record.transcribeCallback!), {
      AccountSid: ACCOUNT_SID,
      CallSid: call.callSid,
      RecordingSid: `RE${'c3'.repeat(16)}`,
      TranscriptionStatus: 'failed',
      TranscriptionText: '',
    }).expect(204);
    expect((await transcriptOf(call)).some((m) => /Transcription/.test(m.text))).toBe(false);
  });

  it('an SMS with the counter’s hours and contacts, sent to the mobile that called, and kept in the transcript', async () => {
    const call = new Call();
    await call.askForAPerson();
    const sends = expectRestSends(1);
    const done = await call.answer({ speech: 'par SMS' });
    expect(done).toMatch(
      /C’est envoyé : vous recevrez nos horaires et nos contacts par SMS\. Merci de votre appel\. Au revoir\./,
    );
    expect(call.hungUp).toBe(true);
    const body = sends.bodies[0]!;
    expect(body).toMatchObject({ To: call.from, From: DEMO_NUMBER });
    expect(body.Body).toMatch(
      /^Communauté de communes du Val de Loue\. Horaires de l'accueil : Lundi à vendredi : 8 h 30-12 h, 13 h 30-17 h\./,
    );
    expect(body.Body).toMatch(
      /Accueil : 01 99 00 10 00, accueil@val-de-loue\.example\. Pour toute demande, répondez à ce SMS : un agent vous répondra à partir de lundi 30 novembre à 9 h\.$/,
    );
    expect((await transcriptOf(call)).map((m) => m.text)).toContain(body.Body);
    expect((await conversationOf(call))?.owner).toBe('bot');
  });

  it('a landline is told it cannot receive an SMS and is offered the other two', async () => {
    const call = new Call('+33381000000');
    await call.start();
    const spoken = await call.answer({ digits: '4' });
    expect(spoken).toMatch(/Votre numéro ne peut pas recevoir de SMS\./);
    expect(spoken).not.toMatch(/tapez 3/);
    expect(await call.answer({ digits: '3' })).toMatch(/^Ce choix n’existe pas\..*tapez 2/);
  });

  it('silence in the menu: asked again, then the call ends with when to call back', async () => {
    const call = new Call();
    await call.askForAPerson();
    expect(await call.answer()).toMatch(/^Je ne vous ai pas entendu\. Que souhaitez-vous/);
    await call.answer();
    expect(await call.answer()).toMatch(
      /Vous pouvez rappeler lundi 30 novembre à 9 heures, ou contacter l’accueil au 01 99 00 10 00\. Merci de votre appel\. Au revoir\./,
    );
    expect(call.hungUp).toBe(true);
  });
});

describe('during the agents’ hours', () => {
  it('the transfer happens; if nobody answers, the same choices, and a callback as soon as possible', async () => {
    now = MONDAY_10H_PARIS;
    const call = new Call();
    await call.start();
    await call.answer({ digits: '4' });
    const dial = parseTwiml(call.twiml).Dial?.[0];
    const action = typeof dial === 'object' ? dial.action! : '';
    const spoken = await call.post(relative(action), { DialCallStatus: 'no-answer' });
    expect(spoken).toMatch(
      /^Aucun agent n’a pu prendre votre appel\. Que souhaitez-vous \? Pour être rappelé dès que possible, tapez 1/,
    );
    expect(spoken).toMatch(/tapez 3 ou dites SMS/);
    await call.answer({ digits: '1' });
    expect(await call.answer({ digits: '1' })).toMatch(/un agent vous rappellera au .* dès que possible\./);
    // Due by the end of the current opening period (Monday 12:00 in Paris).
    expect((await callbacksFor(call))[0]).toMatchObject({ promisedBy: '2026-11-30T11:00:00.000Z' });
  });
});
