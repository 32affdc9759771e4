// A dialogue that recovers (issue 19, point 5): what the citizen sees on the web chat, reads by SMS and
// hears on the phone when the first reading goes wrong — a "oui" to an either/or question, a follow-up
// without the place, SMS shorthand, "now", a date follow-up, a spoken date, a price question. Every script
// runs on the three media, and what is checked is the medium's rendering (channels/cli/preview).
import type { Container } from '../../server/container';
import { preview, type PreviewChannel } from '../../channels/cli/preview';
import { rows } from '../backoffice/support';
import { talk, type Talk } from '../support/conversation';
import { done, withClosedNetworkContainer } from './helpers';

let container: Container;
withClosedNetworkContainer((c) => (container = c));

/** Saturday 5 December 2026, 08:30 in Paris: the déchetterie opens at 9 h (Oct–Mar: Sa 9–12, 14–17). */
const SATURDAY_0830 = new Date('2026-12-05T07:30:00Z');
/** The same Saturday, 10:30: the déchetterie is open until 12 h. */
const SATURDAY_1030 = new Date('2026-12-05T09:30:00Z');
/** Tuesday 8 December 2026, 10:30: the agents answer (Mo–Fr 9–12, 14–17). */
const TUESDAY_1030 = new Date('2026-12-08T09:30:00Z');

const MEDIA: PreviewChannel[] = ['webchat', 'sms', 'voice'];
let phones = 0;

function conversation(medium: PreviewChannel, now: Date): Talk {
  phones += 1;
  const address = medium === 'webchat' ? undefined : `+3361200${String(phones).padStart(4, '0')}`;
  // The first-contact notice is out of the way: on SMS it shares the first message's segment budget.
  return talk(container.engine, { channel: medium, now, ...(address ? { address } : {}) }).send('bonjour');
}

/** What the medium shows (or says) for the last turn must match. */
/** A person takes over: on the phone, during the agents' hours, the call is transferred; elsewhere the
 * conversation joins the agents' queue. */
const handedOver = (medium: PreviewChannel): RegExp =>
  medium === 'voice'
    ? /Je vous mets en relation avec un agent[^]*transfert vers/
    : /Je transmets votre demande à un agent/;

function shows(t: Talk, medium: PreviewChannel, pattern: RegExp): Talk {
  return t.check((result) => {
    expect(preview(medium, result.replies, { locale: 'fr' })).toMatch(pattern);
  });
}

function doesNotShow(t: Talk, medium: PreviewChannel, pattern: RegExp): Talk {
  return t.check((result) => {
    expect(preview(medium, result.replies, { locale: 'fr' })).not.toMatch(pattern);
  });
}

/** No bot turn says exactly what it said the turn before (the notice of the first turn aside). */
function neverRepeats(t: Talk): void {
  const turns = t.transcript.map((turn) => turn.bot.join('\n'));
  for (let i = 1; i < turns.length; i++) expect(turns[i]).not.toBe(turns[i - 1]);
}

/** A library registration whose names question gets three unusable answers: "agent, or cancel?". */
function stuckInForm(t: Talk): Talk {
  return t
    .send('je veux m’inscrire à la médiathèque')
    .send('blorp')
    .send('frrrt')
    .send('zzzz')
    .expectReply(/parler à un agent, ou annuler/);
}

describe.each(MEDIA)('on %s', (medium) => {
  describe('a yes or a no to a question that is not a yes/no question', () => {
    it('asks which one with the choices again, then hands over to an agent instead of asking again', async () => {
      const t = stuckInForm(conversation(medium, TUESDAY_1030)).send('oui');
      shows(t, medium, /lequel vous choisissez/);
      // The choices are offered again, as the medium offers them.
      shows(
        t,
        medium,
        { webchat: /\[1\] Parler à un agent/, sms: /1\. Parler à un agent/, voice: /tapez 1/ }[medium],
      );
      t.send('oui');
      shows(t, medium, /Je vous passe un agent/);
      shows(t, medium, handedOver(medium));
      await done(t);
      neverRepeats(t);
    });

    it('reads the number of the choice after "which one?"', async () => {
      const t = stuckInForm(conversation(medium, TUESDAY_1030)).send('ouais').send('2');
      shows(t, medium, /C’est annulé/);
      await done(t);
    });

    it('a "oui" to "Voulez-vous parler à un agent ?" means an agent', async () => {
      const t = conversation(medium, TUESDAY_1030)
        .send('gloubi boulga')
        .send('schmilblick trompette')
        .expectReply(/Voulez-vous parler à un agent \?/)
        .send('oui');
      shows(t, medium, handedOver(medium));
      await done(t);
    });

    it('never says the same misunderstanding twice in a row, and ends with the counter’s phone', async () => {
      const t = conversation(medium, TUESDAY_1030)
        .send('gloubi boulga')
        .send('schmilblick trompette')
        .send('ratatouille zigouigoui');
      shows(t, medium, /01 99 00 10 00/);
      t.send('tralala pouet');
      await done(t);
      neverRepeats(t);
    });

    it('after "agent, or cancel?" a fourth unusable answer takes the safe path, not the same question', async () => {
      const t = stuckInForm(conversation(medium, TUESDAY_1030)).send('grmbl');
      shows(t, medium, handedOver(medium));
      await done(t);
      neverRepeats(t);
    });
  });

  describe('the place stays in context', () => {
    it('"est-ce ouvert maintenant ?" after the hours of one mairie answers for that mairie', async () => {
      const t = conversation(medium, SATURDAY_1030)
        .send('quels sont les horaires de la mairie de Vernière ?')
        .send('est-ce ouvert maintenant ?');
      shows(t, medium, /mairie de Vernière est ouverte en ce moment/);
      doesNotShow(t, medium, /De quel lieu/);
      await done(t);
    });

    it('after the hours of the mairies (several), the follow-up is about the mairies, not any place', async () => {
      const t = conversation(medium, SATURDAY_1030)
        .send('les horaires de la mairie')
        .send('est-ce ouvert maintenant ?');
      shows(t, medium, /mairie de Montcey-sur-Loue est ouverte en ce moment/);
      shows(t, medium, /mairie de Saint-Ambreuil est fermée/);
      doesNotShow(t, medium, /Piscine|Déchetterie/);
      await done(t);
    });

    it('forgets the place after half an hour', async () => {
      const later = new Date(SATURDAY_1030.getTime() + 31 * 60 * 1000);
      const t = conversation(medium, SATURDAY_1030)
        .send('quels sont les horaires de la piscine ?')
        .send('est-ce ouvert maintenant ?', { receivedAt: later });
      shows(t, medium, /De quel lieu/);
      await done(t);
    });
  });

  describe('"now" is this minute', () => {
    it('closed now: says so and when it opens, not the day’s hours', async () => {
      const t = conversation(medium, SATURDAY_0830).send('la déchetterie est ouverte maintenant ?');
      shows(t, medium, /déchetterie est fermée en ce moment/);
      shows(t, medium, /9 h/);
      doesNotShow(t, medium, /7 prochains jours|ouverte de 9 h/);
      await done(t);
    });

    it('open now: says until when', async () => {
      const t = conversation(medium, SATURDAY_1030).send('dechetri ouvert mtn ?');
      shows(t, medium, /déchetterie est ouverte en ce moment, jusqu['’]à 12 h/);
      await done(t);
    });
  });

  describe('date follow-ups keep the place and the question', () => {
    it('"et le 25 ?" then "et le 26 décembre ?" after the déchetterie’s hours', async () => {
      const t = conversation(medium, SATURDAY_1030).send('horaires de la déchetterie').send('et le 25 ?');
      shows(t, medium, /déchetterie est fermée le vendredi 25 décembre/);
      t.send('et le 26 décembre ?');
      shows(t, medium, /samedi 26 décembre/);
      shows(t, medium, /déchetterie/);
      doesNotShow(t, medium, /De quel lieu|Vous voulez/);
      await done(t);
    });

    it.each(['le 25 ?', 'demain ?', 'et maintenant ?'])(
      'a day alone ("%s") after the piscine’s hours is about the piscine',
      async (followUp) => {
        const t = conversation(medium, SATURDAY_1030).send('horaires de la piscine').send(followUp);
        shows(t, medium, /piscine/);
        doesNotShow(t, medium, /De quel lieu|Vous voulez/);
        await done(t);
      },
    );

    it('a date follow-up after "which mairie?" answers for each mairie on that date', async () => {
      const t = conversation(medium, SATURDAY_1030).send('horaires de la mairie').send('et le 25 ?');
      shows(t, medium, /Mairie de Vernière : fermé \(férié\)/);
      doesNotShow(t, medium, /Piscine/);
      await done(t);
    });
  });

  describe('SMS shorthand of key words', () => {
    it.each([
      ['c koi les horR de la dechetri', /déchetterie/],
      ['kan ouvre la dchtri ojd', /déchetterie/],
      ['horR mediatek', /Médiathèque|médiathèque/],
      ['la pisine é ouvrt mtn ?', /piscine est (ouverte|fermée) en ce moment/],
    ])('"%s" is an opening-hours question', async (text, place) => {
      const t = conversation(medium, SATURDAY_1030).send(text);
      shows(t, medium, place);
      doesNotShow(t, medium, /Je ne connais pas la réponse|Vous voulez/);
      await done(t);
    });
  });

  describe('dates said in words', () => {
    it('"le premier mai" answers that day, not the week', async () => {
      const t = conversation(medium, SATURDAY_1030).send('la déchetterie est ouverte le premier mai ?');
      shows(t, medium, /1er mai/);
      doesNotShow(t, medium, /7 prochains jours/);
      await done(t);
    });

    it('"et le vingt-six décembre ?" after the médiathèque’s hours', async () => {
      const t = conversation(medium, SATURDAY_1030)
        .send('horaires de la médiathèque')
        .send('et le vingt-six décembre ?');
      shows(t, medium, /samedi 26 décembre/);
      shows(t, medium, /médiathèque/i);
      await done(t);
    });
  });

  describe('a question about a procedure is answered, the procedure offered', () => {
    it('"c combien l’inscription à la médiathèque ?" gives the prices, then "oui" starts the registration', async () => {
      const t = conversation(medium, SATURDAY_1030).send('c combien l’inscription à la médiathèque ?');
      shows(t, medium, /12 € par an/);
      shows(t, medium, /Voulez-vous faire la demande maintenant/);
      doesNotShow(t, medium, /Qui souhaitez-vous inscrire/);
      t.send('oui');
      shows(t, medium, /Qui souhaitez-vous inscrire/);
      await done(t);
    });

    it('"quels papiers pour s’inscrire à la médiathèque ?" lists the documents', async () => {
      const t = conversation(medium, SATURDAY_1030).send(
        'quels papiers faut-il pour s’inscrire à la médiathèque ?',
      );
      shows(t, medium, /Justificatif de domicile/);
      doesNotShow(t, medium, /Qui souhaitez-vous inscrire/);
      await done(t);
    });
  });
});

describe.each(['webchat', 'sms'] as const)('out of the agents’ hours on %s', (medium) => {
  it('a "oui" to "how do you want to be contacted?" is asked which, then gets the counter’s phone', async () => {
    const t = conversation(medium, SATURDAY_1030)
      .send('je voudrais parler à un agent')
      .expectReply(/Comment voulez-vous être recontacté/)
      .send('oui');
    shows(t, medium, /lequel vous choisissez/);
    t.send('oui');
    shows(t, medium, /01 99 00 10 00/);
    await done(t);
    neverRepeats(t);
  });
});

describe('a phone number that is not one, on the web chat', () => {
  it('asks once more, then leaves the request to the agents here instead of asking a third time', async () => {
    const t = conversation('webchat', SATURDAY_1030)
      .send('je voudrais parler à un agent')
      .choose(/Être rappelé/)
      .expectReply(/À quel numéro/)
      .send('je sais pas')
      .expectReply(/Je n’ai pas reconnu de numéro/)
      .send('bof');
    shows(t, 'webchat', /un agent lira vos messages et vous répondra ici/);
    await done(t);
    neverRepeats(t);
  });
});

describe('a price question answered, then declined', () => {
  it('"non" to "Voulez-vous faire la demande maintenant ?" starts nothing', async () => {
    const t = conversation('sms', SATURDAY_1030)
      .send('cb coute la carte de la mediatek ?')
      .expectReply(/12 € par an/)
      .send('non');
    doesNotShow(t, 'sms', /Qui souhaitez-vous inscrire|lequel vous choisissez/);
    await done(t);
  });
});

describe('an agent asked for in the middle of a form, out of the agents’ hours', () => {
  it('the safe path after "agent, or cancel?" asks how to be contacted, and that answer is taken', async () => {
    const t = stuckInForm(conversation('sms', SATURDAY_1030))
      .send('oui')
      .send('oui')
      .expectReply(/Comment voulez-vous être recontacté/)
      .send('2');
    shows(t, 'sms', /un agent vous répondra par SMS/);
    await done(t);
  });

  it('asks how to be contacted before the form’s question, and hands the form over to the agents', async () => {
    let conversationId = '';
    const t = conversation('webchat', SATURDAY_1030)
      .send('je veux m’inscrire à la médiathèque')
      .send('Marie Durand')
      .send('je veux parler à un agent');
    shows(t, 'webchat', /Comment voulez-vous être recontacté/);
    // One question at a time: the form's own question is not asked in the same turn.
    doesNotShow(t, 'webchat', /Reprenons|Quel tarif/);
    t.send('3')
      .expectReply(/un agent lira vos messages/)
      .check((r) => {
        conversationId = r.conversationId;
      });
    await done(t);
    const [handover] = await rows<{ payload: { summary: { form: { title: string } | null } } }>(
      container,
      `SELECT payload FROM outbox WHERE kind = 'conversation.handover' AND payload ->> 'conversationId' = $1`,
      [conversationId],
    );
    expect(handover?.payload.summary.form?.title).toMatch(/médiathèque/);
  });
});
