// Every reply the demo territory can produce on SMS, measured as sent: the main menu, the hours of each
// place, each FAQ answer, each form from its first question to its summary and confirmation, request
// status, misunderstandings and the hand-over. The engine runs for real (channel "sms"); each turn is
// rendered as the SMS webhook renders it. What must hold for the citizen: the median SMS costs at most
// two segments, none exceeds the territory's budget, all stay GSM-7, and nothing is cut — long answers
// are paged, every word of the answer is in its pages.
import nock from 'nock';
import type { Reply } from '../../bot/messages';
import { renderPlain, renderSmsTurn, smsSegments, transliterateToGsm7 } from '../../channels/render';
import { compressWeekHours } from '../../channels/render/week-hours';
import type { Container } from '../../server/container';
import { DEMO_TENANT, createTestContainer } from '../support/harness';
import { geocoderAnswersLilas } from './twilio-helpers';

// A Tuesday morning in Paris: the town halls are open, the déchetterie is closed.
const NOW = new Date('2026-12-08T09:30:00Z');
const MORE = /\nRépondez SUITE pour la suite\.$/;

interface Sent {
  turn: string;
  bodies: string[];
}

let container: Container;
const sent: Sent[] = [];
let counter = 0;

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

/** A conversation on SMS: each message's replies rendered as the webhook sends them, and kept. */
function conversation() {
  counter += 1;
  const address = `+3361000${String(counter).padStart(4, '0')}`;
  return async (text: string): Promise<string> => {
    const result = await container.engine.handleTurn({
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address,
      text,
      receivedAt: NOW,
    });
    const { sms, notice } = territory();
    const turn = renderSmsTurn(result.replies, {
      channel: 'sms',
      transliterate: sms.transliterate,
      segmentBudget: sms.segmentBudget,
      notice: notice.shortText,
    });
    const bodies = [...turn.now, ...turn.later];
    sent.push({ turn: text, bodies });
    if (process.env.SMS_COVERAGE_DUMP) console.log(`> ${text}\n${bodies.join('\n---\n')}`);
    expectNothingLost(result.replies, bodies);
    return bodies.join('\n');
  };
}

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean).sort();

/** The pages, without their "SUITE" lines, hold every word of the answer (compressed hours aside). */
function expectNothingLost(replies: readonly Reply[], bodies: string[]): void {
  const expected = transliterateToGsm7(
    compressWeekHours(
      replies
        .map((r) => renderPlain([r], { locationHint: 'Envoyez l’adresse (numéro, rue, commune).' }))
        .join('\n'),
    ),
  );
  const pages = bodies.map((b) => b.replace(MORE, '')).join('\n');
  expect(words(pages)).toEqual(words(expected));
}

/** A birth date for a child entering CP at the next rentrée (1 September), whatever the day the test runs. */
function cpBirthDate(now = new Date()): string {
  const rentree = now.getUTCMonth() >= 8 ? now.getUTCFullYear() + 1 : now.getUTCFullYear();
  return `12/03/${rentree - 6}`;
}

describe('every SMS the demo territory sends', () => {
  it('the main menu, the hours menu and the hours of each place', async () => {
    const say = conversation();
    expect(await say('Bonjour')).toMatch(/6\. Parler à un agent\nRépondez de 1 à 6\.$/);
    const menu = await say('horaires');
    const places = [...menu.matchAll(/^(\d)\. /gm)].map((m) => m[1]!);
    expect(places.length).toBe(territory().facilities.length);
    for (const digit of places) {
      // A new citizen each time: "horaires" right after a place's hours now means that place again.
      const ask = conversation();
      await ask('horaires');
      const hours = await ask(digit);
      // The address of the place always comes with its hours.
      expect(hours).toMatch(/\d{5} [A-Z]/);
    }
  });

  it('each FAQ answer', async () => {
    const say = conversation();
    for (const entry of territory().faq) {
      // A question the dialogue takes for the start of a form (a dumped sofa → a report) is that form's
      // first question, measured too; cancelling it lets the next question be answered as a question.
      if (/Je vais enregistrer/.test(await say(entry.questions[0]!))) await say('annuler');
    }
  });

  it('an incident report to its summary, a correction and its confirmation', async () => {
    const say = conversation();
    await say('signaler un problème');
    await say('1');
    await say('12 rue des Lilas à Montcey-sur-Loue');
    await say('un trou profond dans la chaussée devant la boulangerie, dangereux pour les vélos');
    await say('non');
    const summary = await say('06 12 34 56 78');
    // The whole summary comes before the choice to confirm it.
    expect(summary).toMatch(/12 Rue des Lilas[^]*trou profond[^]*\n1\. Oui, enregistrer/);
    await say('2'); // Non, corriger: which field?
    await say('1'); // the category: its menu again
    expect(await say('1')).toMatch(/Catégorie : Voirie[^]*\n1\. Oui, enregistrer/);
    expect(await say('1')).toMatch(/DEM-2026-/);
  });

  it('a school registration: summary, then the sector school and the documents to bring', async () => {
    const say = conversation();
    await say('je voudrais inscrire mon fils à l’école');
    await say('Lucas Martin');
    await say(cpBirthDate(NOW));
    await say('CP');
    await say('3 rue du Moulin');
    await say('Claire Martin');
    expect(await say('06 12 34 56 78')).toMatch(
      /Enfant : Lucas Martin[^]*Adresse : 3 rue du Moulin[^]*\n1\. Oui, enregistrer/,
    );
    const done = await say('1');
    expect(done).toMatch(/École de secteur : École élémentaire Louis-Pasteur/);
    expect(done).toMatch(/Documents à fournir :\n- Livret de famille[^]*Justificatif de domicile/);
  });

  it('a library registration and the status of the requests', async () => {
    const say = conversation();
    await say('je voudrais m’inscrire à la médiathèque');
    await say('Marie Durand, Léo Durand et Emma Durand');
    // One tariff per person (Léo and Emma are under 18).
    await say('2');
    await say('1');
    await say('1');
    expect(await say('marie.durand@example.fr')).toMatch(
      /Tarif d'Emma Durand : Moins de 18 ans[^]*Total : 12 € par an[^]*\n1\. Oui, enregistrer/,
    );
    expect(await say('1')).toMatch(/présentez à l'accueil :\n- Pièce d'identité/);
    await say('suivre une demande');
    await say('1');
    await say('DEM-2026-AAAAAA');
  });

  it('misunderstandings and the hand-over to a person', async () => {
    const say = conversation();
    await say('xqzt blorp');
    await say('vrmpf zzz');
    await say('parler à un agent');
  });
});

describe('measured over all of them', () => {
  it('the median SMS costs at most two segments, none more than the budget, all GSM-7, none cut', () => {
    const bodies = sent.flatMap((s) => s.bodies);
    expect(bodies.length).toBeGreaterThan(60);
    const counts = bodies.map((b) => smsSegments(b).segments).sort((a, b) => a - b);
    const median = counts[Math.floor((counts.length - 1) / 2)]!;
    const histogram = counts.reduce<Record<number, number>>((h, n) => ({ ...h, [n]: (h[n] ?? 0) + 1 }), {});
    const paged = sent.filter((s) => s.bodies.some((b) => MORE.test(b))).length;
    // The distribution, for docs/channels.md.
    console.log(
      `SMS sent: ${bodies.length} over ${sent.length} turns (${paged} paged); segments ${JSON.stringify(histogram)}; median ${median}`,
    );
    expect(median).toBeLessThanOrEqual(2);
    for (const body of bodies) {
      expect(smsSegments(body).segments).toBeLessThanOrEqual(territory().sms.segmentBudget);
      expect(smsSegments(body).encoding).toBe('GSM-7');
      expect(body).not.toMatch(/(…|\.\.\.)$/);
    }
  });
});
