// A form in progress lost by a restart (in-memory conversation state): the citizen's next message is an answer,
// a cancel or a correction of a form the bot no longer holds. The bot says the request was interrupted and offers
// to start it again, on every channel, instead of "Il n'y a rien en cours à annuler" or a misread answer.
import type { Container } from '../../server/container';
import { talk, type TalkOptions } from '../support/conversation';
import { NOW, contactOf, done, restartedEngine, withClosedNetworkContainer } from './helpers';

let container: Container;
withClosedNetworkContainer((c) => (container = c));

const CHANNELS: { channel: string; address: () => string }[] = [
  { channel: 'webchat', address: () => `wc_lost_${Math.random().toString(36).slice(2)}` },
  {
    channel: 'sms',
    address: () =>
      `+3367${Math.floor(Math.random() * 1e7)
        .toString()
        .padStart(7, '0')}`,
  },
  { channel: 'voice', address: () => `CA${Math.random().toString(16).slice(2).padEnd(32, '0')}` },
];

describe.each(CHANNELS)('a form lost by a restart, on $channel', ({ channel, address }) => {
  const options = (): TalkOptions => ({ now: NOW, channel, address: address() });

  it('"annuler" after a restart says the request was interrupted, not that nothing is in progress', async () => {
    const opts = options();
    await done(
      talk(container.engine, opts)
        .send('je voudrais inscrire mon fils à l’école')
        .send('Lucas Martin')
        .expectReply(/date de naissance/),
    );
    const t = talk(restartedEngine(container), opts)
      .send('annuler')
      .expectReply(/Votre demande en cours \(l’inscription scolaire\) a été interrompue/)
      .expectReply(/rien n’a été enregistré/)
      .expectNoReply('Il n’y a rien en cours');
    await done(t);
    await expect(
      container.store.listRequestsForContact('val-de-loue', await contactOf(container, t), 5),
    ).resolves.toEqual([]);
  });

  it('an answer after a restart is not read as a new request: the bot offers to start the form again', async () => {
    const opts = options();
    await done(
      talk(container.engine, opts)
        .send('je veux m’inscrire à la médiathèque')
        .expectReply(/Qui souhaitez-vous inscrire/),
    );
    await done(
      talk(restartedEngine(container), opts)
        .send('Marie Durand')
        .expectReply(/a été interrompue de notre côté et vos réponses n’ont pas été conservées/)
        .expectReply(/Reprenons/)
        .choose(/Reprendre l’inscription à la médiathèque/)
        .expectReply(/Qui souhaitez-vous inscrire/),
    );
  });

  it('a correction at the summary after a restart is not taken for something else', async () => {
    const opts = options();
    await done(
      talk(container.engine, opts)
        .send('inscrire ma fille à l’école')
        .send('Emma Petit')
        .send('12/03/2020')
        .send('CP')
        .send('3 rue du Moulin')
        .send('Anne Petit')
        .send('anne.petit@example.fr')
        .expectReply(/Récapitulatif de l’inscription scolaire/),
    );
    await done(
      talk(restartedEngine(container), opts)
        .send('non c’est au 14')
        .expectReply(/Votre demande en cours \(l’inscription scolaire\) a été interrompue/),
    );
  });
});

describe('no lost form', () => {
  it('a new question after a restart is answered as usual', async () => {
    const opts: TalkOptions = { now: NOW, channel: 'webchat', address: 'wc_lost_question' };
    await done(talk(container.engine, opts).send('je veux m’inscrire à la médiathèque'));
    await done(
      talk(restartedEngine(container), opts)
        .send('quels sont les horaires de la piscine ?')
        .expectReply(/piscine/i)
        .expectNoReply('interrompue'),
    );
  });

  it('"annuler" with nothing asked before still says nothing is in progress', async () => {
    await done(
      talk(container.engine, { now: NOW })
        .send('bonjour')
        .send('annuler')
        .expectReply('Il n’y a rien en cours à annuler'),
    );
  });
});
