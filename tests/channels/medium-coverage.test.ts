// Every reply the demo territory can produce, on WhatsApp and on the phone, as each medium renders it (the SMS
// has its own measure: sms-coverage.test.ts). The engine runs for real on each channel, through the main menu,
// the hours of each place, every FAQ question, the three forms to their recorded request, request status,
// misunderstandings and the hand-over. What must hold for the citizen:
// - WhatsApp: no message above Twilio's 1,600 characters, nothing cut ("…"), every word of the answer sent;
// - the phone: nothing cut, no web address, e-mail or emoji read out, no stray full stop, every choice offered
//   with its key, a link sent apart (by SMS).
import nock from 'nock';
import type { Reply } from '../../bot/messages';
import {
  renderPlain,
  renderWhatsApp,
  replyToSpeech,
  speakable,
  WHATSAPP_MAX_CHARS,
} from '../../channels/render';
import type { Container } from '../../server/container';
import { DEMO_TENANT, createTestContainer } from '../support/harness';
import { geocoderAnswersLilas } from './twilio-helpers';

// A Tuesday morning in Paris: the town halls are open, the déchetterie is closed.
const NOW = new Date('2026-12-08T09:30:00Z');
type Medium = 'whatsapp' | 'voice';

let container: Container;
let counter = 0;
const turns: Record<Medium, number> = { whatsapp: 0, voice: 0 };

beforeAll(async () => {
  nock.disableNetConnect();
  geocoderAnswersLilas();
  container = await createTestContainer();
});
afterAll(async () => {
  await container.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

const territory = () => container.territories.current().get(DEMO_TENANT)!;
const wordsOf = (text: string): Set<string> => new Set(text.split(/\s+/).filter(Boolean));

function expectWhatsApp(replies: readonly Reply[]): string {
  const messages = renderWhatsApp(replies, { locale: 'fr' });
  const sent = messages.map((m) => m.body).join('\n');
  for (const m of messages) expect(m.body.length).toBeLessThanOrEqual(WHATSAPP_MAX_CHARS);
  expect(sent).not.toMatch(/…$|\.\.\.$/m);
  const plain = replies.map((r) => renderPlain([r], { locale: 'fr' })).join('\n');
  const missing = [...wordsOf(plain)].filter((w) => !/^\d+\.$/.test(w) && !sent.includes(w));
  expect(missing).toEqual([]);
  return sent;
}

function expectSpeech(replies: readonly Reply[]): string {
  const spoken: string[] = [];
  for (const reply of replies) {
    const { text, link } = replyToSpeech(reply, 'fr');
    const said = speakable(text);
    spoken.push(said);
    expect(said).not.toMatch(/https?:|www\.|@|…|:\s*\.|\.\s*\./u);
    expect(said).not.toMatch(/\p{Extended_Pictographic}/u);
    if (reply.type === 'choices') reply.choices.forEach((_c, i) => expect(said).toContain(`tapez ${i + 1}`));
    if (reply.type === 'link') expect(link?.url).toBe(reply.url);
  }
  return spoken.join(' ');
}

/** A conversation on one medium: each message's replies rendered and checked as that medium sends them. */
function conversation(medium: Medium) {
  counter += 1;
  const address =
    medium === 'voice'
      ? `CA${String(counter).padStart(32, '0')}`
      : `+3362000${String(counter).padStart(4, '0')}`;
  return async (text: string): Promise<string> => {
    const result = await container.engine.handleTurn({
      tenantId: DEMO_TENANT,
      channel: medium,
      address,
      text,
      receivedAt: NOW,
    });
    turns[medium] += 1;
    return medium === 'whatsapp' ? expectWhatsApp(result.replies) : expectSpeech(result.replies);
  };
}

/** A birth date for a child entering CP at the rentrée that follows `now`. */
function cpBirthDate(now: Date): string {
  const rentree = now.getUTCMonth() >= 8 ? now.getUTCFullYear() + 1 : now.getUTCFullYear();
  return `12/03/${rentree - 6}`;
}

describe.each<Medium>(['whatsapp', 'voice'])('every reply of the demo territory on %s', (medium) => {
  it('the main menu and the hours of each place', async () => {
    const say = conversation(medium);
    await say('Bonjour');
    for (const facility of territory().facilities) {
      const ask = conversation(medium);
      await ask('horaires');
      expect(await ask(facility.name)).toMatch(/\d{1,2} (h|heures)/);
    }
  });

  it('each FAQ answer', async () => {
    const say = conversation(medium);
    for (const entry of territory().faq) {
      if (/Je vais enregistrer/.test(await say(entry.questions[0]!))) await say('annuler');
    }
  });

  it('an incident report, a school registration and a library registration to their references', async () => {
    // Each form answered as a citizen would, whatever it asks next, until its reference.
    const answers: [RegExp, string][] = [
      [/Est-ce correct|Je l.enregistre|confirm/i, 'oui'],
      [
        /nom et (le )?prénom de l.enfant|prénom et (le )?nom de l.enfant|Quel est le nom de l.enfant/i,
        'Lucas Martin',
      ],
      [/date de naissance/i, cpBirthDate(NOW)],
      [/quelle classe|niveau/i, 'CP'],
      [/parent|responsable légal/i, 'Claire Martin'],
      [/Qui souhaitez-vous inscrire|personnes? à inscrire/i, 'Marie Durand'],
      [/tarif/i, '2'],
      [/e-?mail|téléphone|contact|joindre|numéro/i, '06 12 34 56 78'],
      [/d[ée]cri|description|précis/i, 'un trou profond dans la chaussée'],
      [/photo/i, 'non'],
      [/déjà été signalé|tenu informé/i, 'non'],
      [/adresse|où se trouve|lieu/i, '3 rue du Moulin, Montcey-sur-Loue'],
      [/commune/i, 'Montcey-sur-Loue'],
    ];
    const reference = /DEM-2026-[0-9A-Z]{6}|D, E, M, 2026/;
    for (const opening of [
      'il y a un nid de poule devant le 12 rue des Lilas à Montcey-sur-Loue',
      'je voudrais inscrire mon fils à l’école',
      'je voudrais m’inscrire à la médiathèque',
    ]) {
      const say = conversation(medium);
      let reply = await say(opening);
      for (let step = 0; step < 15 && !reference.test(reply); step++) {
        const next = answers.find(([question]) => question.test(reply))?.[1] ?? 'oui';
        reply = await say(next);
      }
      expect(reply).toMatch(reference);
    }
  });

  it('request status, misunderstandings and the hand-over to a person', async () => {
    const say = conversation(medium);
    await say('où en est ma demande DEM-2026-AAAAAA');
    await say('xqzt blorp');
    await say('vrmpf zzz');
    await say('parler à un agent');
    expect(turns[medium]).toBeGreaterThan(40);
  });
});
