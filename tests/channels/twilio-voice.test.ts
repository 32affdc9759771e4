// The French phone line through the real app: Twilio voice webhooks in, TwiML out (parsed as XML).
import express from 'express';
import nock from 'nock';
import type { Engine } from '../../bot/engine';
import { silentLogger } from '../../bot/logger';
import { createTwilioNotifier } from '../../adapters/twilio';
import { createTwilioVoiceRouter } from '../../channels/twilio-voice';
import { jsonErrorHandler } from '../../server/http-errors';
import type { Container } from '../../server/container';
import { DEMO_TENANT, createTestContainer } from '../support/harness';
import {
  ACCOUNT_SID,
  AGENTS_NUMBER,
  AUTH_TOKEN,
  DEMO_NUMBER,
  PUBLIC_URL,
  TWILIO_ENV,
  eventually,
  expectRestSends,
  gatherAction,
  geocoderAnswersLilas,
  mobile,
  parseTwiml,
  postSigned,
  sid,
  spokenOf,
  voiceParams,
} from './twilio-helpers';

const PATH = '/channels/twilio/voice';
// Monday 10:00 in Paris: agents answer (Mo-Fr 09:00-12:00,14:00-17:00).
const MONDAY_10H_PARIS = new Date('2026-11-30T09:00:00Z');

let now = MONDAY_10H_PARIS;
let container: Container;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  container = await createTestContainer(TWILIO_ENV, { clock: () => now });
});
afterAll(async () => {
  await container.close();
  nock.cleanAll();
  nock.enableNetConnect();
});
beforeEach(() => {
  now = MONDAY_10H_PARIS;
});
afterEach(() => {
  // Cleared before asserting, so that one test's unused mock fails that test only, not every test after it.
  const pending = nock.pendingMocks().filter((m) => !m.includes('api-adresse'));
  nock.cleanAll();
  expect(pending).toEqual([]);
});

/** One phone call, driven as Twilio drives it: each answer goes to the last <Gather>'s action URL. */
class Call {
  readonly callSid = sid('CA');
  readonly from: string;
  twiml = '';

  constructor(
    private readonly app: express.Express = container.app,
    from?: string,
  ) {
    this.from = from ?? mobile();
  }

  async start(): Promise<this> {
    const res = await postSigned(this.app, PATH, voiceParams(this.callSid, this.from)).expect(200);
    expect(res.type).toBe('text/xml');
    this.twiml = res.text;
    return this;
  }

  /** Speech (with its recognition confidence), keypad digits, or nothing at all (silence). */
  async answer(input: { speech?: string; confidence?: number; digits?: string } = {}): Promise<string> {
    return this.post(gatherAction(this.twiml), {
      ...(input.speech !== undefined
        ? { SpeechResult: input.speech, Confidence: String(input.confidence ?? 0.92) }
        : {}),
      ...(input.digits !== undefined ? { Digits: input.digits } : {}),
    });
  }

  async post(path: string, extra: Record<string, string> = {}): Promise<string> {
    const res = await postSigned(this.app, path, voiceParams(this.callSid, this.from, extra)).expect(200);
    this.twiml = res.text;
    return spokenOf(res.text);
  }

  get spoken(): string {
    return spokenOf(this.twiml);
  }
}

describe('call start', () => {
  it('greets in French with a French voice, gives the notice, and listens to speech and keypad with the territory’s words as hints', async () => {
    const call = await new Call().start();
    const twiml = parseTwiml(call.twiml);
    const says = [...(twiml.Say ?? []), ...(twiml.Gather?.[0]?.Say ?? [])];
    for (const say of says) expect(say).toMatchObject({ language: 'fr-FR', voice: 'Polly.Lea' });
    expect(call.spoken).toMatch(
      /^Bonjour, vous êtes en ligne avec l’assistant téléphonique de Communauté de communes du Val de Loue\./,
    );
    expect(call.spoken).toContain('Vos messages sont traités par la CC du Val de Loue');

    const gather = twiml.Gather?.[0];
    expect(gather).toMatchObject({
      input: 'speech dtmf',
      language: 'fr-FR',
      speechTimeout: 'auto',
      numDigits: '1',
      actionOnEmptyResult: 'true',
    });
    expect(gather?.action).toBe(`${PUBLIC_URL}${PATH}?step=gather&n=1`);
    const hints = gather?.hints?.split(', ') ?? [];
    expect(hints).toEqual(
      expect.arrayContaining([
        'déchetterie',
        'horaires',
        'Déchetterie intercommunale des Prés-Bas',
        'Montcey-sur-Loue',
        'Vernière',
      ]),
    );
    // Every choice reachable by the keypad, and by voice.
    expect(call.spoken).toMatch(/Pour les horaires d’ouverture, tapez 1 ou dites horaires\./);
    expect(call.spoken).toMatch(/Pour parler à un agent, tapez 4 ou dites agent\./);
  });
});

describe('opening hours by phone', () => {
  it('by keypad then by voice: the facility menu, then the hours, then "anything else?"', async () => {
    const call = await new Call().start();
    const menu = await call.answer({ digits: '1' });
    expect(menu).toMatch(/tapez 1/);
    expect(parseTwiml(call.twiml).Gather?.[0]?.numDigits).toBe('1');

    const hours = await call.answer({ speech: 'la déchetterie', confidence: 0.87 });
    expect(hours).toMatch(
      /déchetterie est fermée en ce moment\. Prochaine ouverture : aujourd'hui à 14 heures/i,
    );
    expect(hours).toMatch(/Puis-je vous aider pour autre chose \?/);

    // "Non" ends the call politely, with one keypad question first: how satisfied the caller is.
    const rate = await call.answer({ speech: 'non merci' });
    expect(rate).toMatch(/notez cet échange de 1 à 5 sur votre clavier/);
    expect(parseTwiml(call.twiml).Gather?.[0]?.numDigits).toBe('1');
    expect(parseTwiml(call.twiml).Hangup).toBeUndefined();
    const bye = await call.answer({ digits: '4' });
    expect(bye).toBe('Merci pour votre note. Merci de votre appel. Au revoir.');
    expect(parseTwiml(call.twiml).Hangup).toHaveLength(1);
    expect(parseTwiml(call.twiml).Gather).toBeUndefined();

    // One call = one conversation, addressed by the CallSid.
    const conversation = await container.store.findConversation({
      tenantId: DEMO_TENANT,
      channel: 'voice',
      address: call.callSid,
    });
    const transcript = await container.store.listMessages(DEMO_TENANT, conversation!.id);
    expect(transcript.filter((m) => m.direction === 'in').map((m) => m.text)).toEqual([
      'les horaires d’ouverture',
      'la déchetterie',
      'Note de satisfaction : 4 sur 5',
    ]);
    const sql = (
      container.store as unknown as { sql: { query(q: string, p: unknown[]): Promise<{ rows: unknown[] }> } }
    ).sql;
    const { rows } = await sql.query(
      'SELECT score, channel, request_id FROM satisfaction_answers WHERE conversation_id = $1',
      [conversation!.id],
    );
    expect(rows).toEqual([{ score: 4, channel: 'voice', request_id: null }]);
  });

  it('the satisfaction question is skipped by silence: the call just ends', async () => {
    const call = await new Call().start();
    await call.answer({ speech: 'quels sont les horaires de la mairie de Montcey-sur-Loue' });
    expect(await call.answer({ speech: 'non' })).toMatch(/notez cet échange/);
    expect(await call.answer({})).toBe('Merci de votre appel. Au revoir.');
    expect(parseTwiml(call.twiml).Hangup).toHaveLength(1);
  });

  it('a direct spoken question is answered at once', async () => {
    const call = await new Call().start();
    expect(await call.answer({ speech: 'quels sont les horaires de la mairie de Montcey-sur-Loue' })).toMatch(
      /ouverte en ce moment, jusqu'à 12 heures/,
    );
  });
});

describe('answers with a link', () => {
  it('says the answer and sends the link by SMS', async () => {
    const call = await new Call().start();
    const sends = expectRestSends(1);
    const spoken = await call.answer({ speech: 'comment obtenir une copie de mon acte de naissance' });
    expect(spoken).toMatch(/mairie de votre commune de naissance/);
    expect(spoken).toMatch(/Je vous envoie le lien par SMS\./);
    expect(spoken).not.toMatch(/https?:/);
    expect(sends.bodies[0]).toMatchObject({ To: call.from, From: DEMO_NUMBER });
    // The URL is never cut, whatever the SMS budget.
    expect(sends.bodies[0]?.Body).toMatch(
      /\nhttps:\/\/www\.service-public\.fr\/particuliers\/vosdroits\/F1427$/,
    );
  });
});

describe('silence and misunderstanding', () => {
  it('repeats the question once, differently, then offers the keypad, then a person', async () => {
    const call = await new Call().start();
    const first = await call.answer();
    expect(first).toMatch(/^Je ne vous ai pas entendu\./);
    expect(first).toMatch(/Dites simplement votre choix, ou tapez son numéro\./);

    const second = await call.answer({ speech: '…', confidence: 0.05 });
    expect(second).toMatch(/Je n’ai pas bien compris\./);
    expect(second).toMatch(/clavier/);
    expect(second).toMatch(/Pour les horaires d’ouverture, tapez 1\./);
    expect(second).toMatch(/Pour parler à un agent, tapez 0/);

    const third = await call.answer();
    expect(third).toMatch(/Je vous mets en relation avec un agent/);
    const dial = parseTwiml(call.twiml).Dial?.[0];
    expect(typeof dial === 'string' ? dial : dial?.text).toBe(AGENTS_NUMBER);
  });

  it('a keypad digit that is not on the menu is said so', async () => {
    const call = await new Call().start();
    expect(await call.answer({ digits: '8' })).toMatch(/Ce choix n’existe pas/);
  });
});

describe('a person', () => {
  it('during the agents’ hours: transfer with <Dial>', async () => {
    const call = await new Call().start();
    await call.answer({ speech: 'je veux parler à quelqu’un' });
    const twiml = parseTwiml(call.twiml);
    expect(call.spoken).toMatch(/Je vous mets en relation avec un agent\. Ne quittez pas\./);
    const dial = twiml.Dial?.[0];
    expect(typeof dial === 'string' ? dial : dial?.text).toBe(AGENTS_NUMBER);
    expect(typeof dial === 'object' ? dial.action : undefined).toMatch(/step=dialed/);
  });

  // Out of hours, and a transfer nobody answers: tests/channels/twilio-voice-away.test.ts.
  it('after a real conversation with an agent, the call just ends', async () => {
    const call = await new Call().start();
    await call.answer({ digits: '4' });
    const dial = parseTwiml(call.twiml).Dial?.[0];
    await call.post((typeof dial === 'object' ? dial.action! : '').slice(PUBLIC_URL.length), {
      DialCallStatus: 'completed',
    });
    expect(parseTwiml(call.twiml)).toEqual({ Hangup: [''] });
  });
});

describe('reporting an incident by phone', () => {
  it('reads back an address heard with low confidence, creates the request, and texts its reference on request', async () => {
    geocoderAnswersLilas();
    const call = await new Call().start();
    expect(await call.answer({ digits: '2' })).toMatch(/Quel type de problème/);
    expect(await call.answer({ speech: 'un lampadaire qui ne marche plus', confidence: 0.9 })).toMatch(
      /Où se situe le problème/,
    );

    // An address heard badly is confirmed before it is used.
    const readBack = await call.answer({ speech: '12 rue des Lilas', confidence: 0.31 });
    expect(readBack).toMatch(
      /J’ai compris : 12 rue des Lilas\. Est-ce exact \? Tapez 1 pour oui, 2 pour non\./,
    );
    let spoken = await call.answer({ digits: '1' });
    expect(spoken).toMatch(/12 Rue des Lilas/);

    spoken = await call.answer({ speech: 'il clignote toute la nuit', confidence: 0.8 });
    for (let i = 0; i < 4 && !/Est-ce correct/.test(spoken); i += 1)
      spoken = await call.answer({ speech: 'non' });
    expect(spoken).toMatch(/Récapitulatif de votre signalement/);
    expect(spoken).toMatch(/Pour oui, enregistrer, tapez 1/);

    const saved = await call.answer({ digits: '1' });
    const reference = /DEM-\d{4}-[0-9A-Z]{6}/.exec(JSON.stringify(await transcriptText(call.callSid)))?.[0];
    expect(reference).toBeDefined();
    // The reference is spelled so that it can be written down.
    const [, year, code] = /DEM-(\d{4})-([0-9A-Z]{6})/.exec(reference!)!;
    expect(saved).toContain(`D, E, M, ${year}, ${[...code!].join(', ')}`);
    expect(saved).toMatch(
      /Voulez-vous recevoir un SMS récapitulatif avec cette référence \? Tapez 1 pour oui, 2 pour non\./,
    );

    const sends = expectRestSends(1);
    const after = await call.answer({ speech: 'oui' });
    expect(after).toMatch(/C’est envoyé\./);
    expect(sends.bodies[0]).toMatchObject({
      To: call.from,
      From: DEMO_NUMBER,
      Body: expect.stringContaining(reference!),
    });
    expect(sends.bodies[0]?.Body).toMatch(/Lilas/);

    const request = await container.store.getRequestByReference(DEMO_TENANT, reference!);
    expect(request).toMatchObject({ channel: 'voice', type: 'report_incident' });
  });

  it('"no" to the read-back asks again', async () => {
    const call = await new Call().start();
    await call.answer({ digits: '2' });
    await call.answer({ speech: 'un lampadaire en panne' });
    await call.answer({ speech: 'douze rue des lits', confidence: 0.2 + 0.1 });
    const again = await call.answer({ digits: '2' });
    expect(again).toMatch(/D’accord, reprenons\..*Où se situe le problème.*Parlez lentement/);
  });
});

describe('retries and refusals', () => {
  it('a callback Twilio retries gets the same TwiML and nothing is redone', async () => {
    const call = await new Call().start();
    const action = gatherAction(call.twiml);
    const first = await call.post(action, { Digits: '1' });
    const firstTwiml = call.twiml;
    const second = await call.post(action, { Digits: '1' });
    expect(second).toBe(first);
    expect(call.twiml).toBe(firstTwiml);
    const transcript = await transcriptText(call.callSid);
    expect(transcript.filter((m) => m.direction === 'in')).toHaveLength(1);
  });

  it('unsigned → 403 and nothing stored', async () => {
    const callSid = sid('CA');
    await postSigned(container.app, PATH, voiceParams(callSid, mobile()), { signature: null }).expect(403);
    expect(
      await container.store.findConversation({ tenantId: DEMO_TENANT, channel: 'voice', address: callSid }),
    ).toBeNull();
  });

  it('a malformed CallSid or step → 400', async () => {
    await postSigned(container.app, PATH, voiceParams('CA123', mobile())).expect(400);
    await postSigned(container.app, `${PATH}?step=explode`, voiceParams(sid('CA'), mobile())).expect(400);
  });

  it('an unknown number called → a polite message and the call ends', async () => {
    const res = await postSigned(container.app, PATH, {
      ...voiceParams(sid('CA'), mobile()),
      To: '+33100000000',
    }).expect(200);
    expect(spokenOf(res.text)).toMatch(/n’est relié à aucun service/);
    expect(parseTwiml(res.text).Hangup).toHaveLength(1);
  });
});

describe('a turn slower than the deadline', () => {
  it('says "un instant", redirects, and answers when the turn is done', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Engine = {
      ...container.engine,
      dialogue: container.engine.dialogue,
      degradedReplies: container.engine.degradedReplies,
      handleTurn: async (m) => (await gate, container.engine.handleTurn(m)),
    };
    const app = express();
    app.use(
      '/channels/twilio',
      createTwilioVoiceRouter({
        engine: slow,
        store: container.store,
        state: container.state,
        territories: container.territories,
        auth: { authToken: AUTH_TOKEN, accountSid: ACCOUNT_SID, skipSignature: false, publicUrl: PUBLIC_URL },
        logger: silentLogger,
        sender: createTwilioNotifier({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, retries: 0 }),
        replyDeadlineMs: 30,
        clock: () => MONDAY_10H_PARIS,
      }),
    );
    app.use(jsonErrorHandler(silentLogger));

    const call = await new Call(app).start();
    const waiting = await call.answer({ digits: '1' });
    expect(waiting).toMatch(/Un instant, s’il vous plaît\./);
    const redirectUrl = () => {
      const redirect = parseTwiml(call.twiml).Redirect?.[0];
      return typeof redirect === 'string' ? redirect : redirect!.text;
    };
    expect(redirectUrl()).toMatch(/step=wait/);

    release();
    // As Twilio does: each answer's own redirect is followed (a step posted again only repeats its answer).
    let spoken = '';
    await eventually(async () => {
      spoken = await call.post(redirectUrl().slice(PUBLIC_URL.length));
      return !/instant|patienter/.test(spoken);
    });
    expect(spoken).toMatch(/tapez 1/);
    const transcript = await transcriptText(call.callSid);
    expect(transcript.filter((m) => m.direction === 'in')).toHaveLength(1);
  });
});

async function transcriptText(callSid: string) {
  const conversation = await container.store.findConversation({
    tenantId: DEMO_TENANT,
    channel: 'voice',
    address: callSid,
  });
  return conversation ? container.store.listMessages(DEMO_TENANT, conversation.id) : [];
}
