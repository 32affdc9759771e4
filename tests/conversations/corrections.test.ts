// Corrections and addresses as a clerk takes them, on the web chat, by SMS and on the phone: every part of an
// address reaches the geocoder ("2 grande rue st ambreuil"), a correction given right after an answer changes that
// answer instead of becoming the next one ("non c'est au 14"), and a correction at the summary is applied to the
// slot it evidently corrects, keeping every part the citizen gives ("non, c'est rue Pasteur, au numéro 5").
import type { Container } from '../../server/container';
import { talk, type Talk } from '../support/conversation';
import { banSearch, type BanAddress } from './ban-fixtures';
import { NOW, announcedReference, done, withClosedNetworkContainer } from './helpers';

let container: Container;
withClosedNetworkContainer((c) => (container = c));

const SAINT_AMBREUIL = { citycode: '25973', postcode: '25973', city: 'Saint-Ambreuil' };

/** An address of Saint-Ambreuil, placed per channel so that reports of one run are not "nearby" another's. */
const ambreuil = (label: string, housenumber: string | undefined, lat: number): BanAddress => ({
  ...SAINT_AMBREUIL,
  label: `${label} 25973 Saint-Ambreuil`,
  lat,
  lon: 6.09,
  ...(housenumber ? { housenumber } : {}),
  street: label.replace(/^\d+\s+/, ''),
  score: 0.91,
});

const CHANNELS = [
  // Web chat asks for a photo and a contact; SMS and phone have neither (the number is the contact).
  { channel: 'webchat', optionalQuestions: 2, lat: 47.13, address: () => `wc_corr_${Math.random()}` },
  {
    channel: 'sms',
    optionalQuestions: 0,
    lat: 47.14,
    address: () => `+3366${Date.now().toString().slice(-7)}1`,
  },
  { channel: 'voice', optionalQuestions: 0, lat: 47.15, address: () => `CA${Date.now().toString(16)}c0ffee` },
] as const;

const skipOptional = (t: Talk, count: number): Talk => {
  for (let i = 0; i < count; i++) t.send('non');
  return t;
};

describe.each(CHANNELS)('corrections on $channel', ({ channel, optionalQuestions, lat, address }) => {
  const chat = () => talk(container.engine, { now: NOW, channel, address: address() });

  it('report: the whole address reaches the geocoder, "non c’est au 14" corrects the number, the summary takes a new street with its number', async () => {
    const first = banSearch('2 Grande Rue, Saint-Ambreuil', ambreuil('2 Grande Rue', '2', lat), {
      citycode: '25973',
    });
    const renumbered = banSearch(
      '14 Grande Rue, Saint-Ambreuil',
      ambreuil('14 Grande Rue', '14', lat + 0.0002),
      {
        citycode: '25973',
      },
    );
    const pasteur = banSearch('5 rue Pasteur', ambreuil('5 Rue Pasteur', '5', lat + 0.004), {
      citycode: '25973',
    });
    const t = chat()
      .send('il y a un nid de poule au 2 grande rue st ambreuil')
      .expectReply('2 Grande Rue 25973 Saint-Ambreuil')
      .expectReply(/Décrivez le problème/)
      .send('non c’est au 14')
      .expectReply('C’est noté : 14 Grande Rue 25973 Saint-Ambreuil.')
      .expectReply(/Décrivez le problème/)
      .send('Un trou profond au milieu de la chaussée');
    skipOptional(t, optionalQuestions)
      .expectReply('Description : Un trou profond au milieu de la chaussée')
      .expectReply('Lieu : 14 Grande Rue 25973 Saint-Ambreuil')
      .send('non, c’est rue Pasteur, au numéro 5')
      .expectNoReply('Que voulez-vous corriger')
      .expectReply('Lieu : 5 Rue Pasteur 25973 Saint-Ambreuil')
      .expectReply(/Est-ce correct/)
      .send('oui')
      .expectReply(/enregistré sous la référence/);
    await done(t);
    expect([first.isDone(), renumbered.isDone(), pasteur.isDone()]).toEqual([true, true, true]);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request).toMatchObject({
      communeId: 'saint-ambreuil',
      addressText: '5 rue Pasteur',
      payload: { description: 'Un trou profond au milieu de la chaussée' },
    });
  });

  it('school: a number right after the address corrects it (the next question is asked again), and the summary takes "rue Pasteur, au numéro 5"', async () => {
    const t = chat()
      .send('je voudrais inscrire mon fils à l’école')
      .send('Hugo Petit')
      .send('01/02/2020')
      .send('CP')
      .send('2 grande rue st ambreuil')
      .expectReply('C’est noté : 2 Grande Rue, Saint-Ambreuil.')
      .expectReply(/responsable légal/)
      .send('non c’est au 14')
      .expectReply('C’est noté : 14 Grande Rue, Saint-Ambreuil.')
      .expectReply(/responsable légal/)
      .expectNoReply(/prénom puis le nom/)
      .send('Anne Petit')
      .send('anne.petit@example.fr')
      .expectReply('Adresse : 14 Grande Rue, Saint-Ambreuil')
      .expectReply('Responsable légal : Anne Petit')
      .send('non, c’est rue Pasteur, au numéro 5')
      .expectNoReply('Que voulez-vous corriger')
      .expectReply('Adresse : 5 rue Pasteur, Saint-Ambreuil')
      .send('oui')
      .expectReply(/enregistrée sous la référence/)
      .expectReply('Mairie de Saint-Ambreuil');
    await done(t);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request).toMatchObject({
      communeId: 'saint-ambreuil',
      addressText: '5 rue Pasteur',
      payload: { guardian: { firstName: 'Anne', lastName: 'Petit' } },
    });
  });

  it('a "non" that answers the question asked is not taken for a correction', async () => {
    await done(
      chat()
        .send('je veux m’inscrire à la médiathèque')
        .send('Marie Durand')
        .choose(/Adulte habitant/)
        .send('non merci')
        .expectReply(/Un numéro comme 06 12 34 56 78/)
        .expectNoReply('C’est noté'),
    );
  });
});
