// Library registration as scripts: one person or a family ("moi et mes 2 enfants"), pricing from the
// territory, documents to bring, routed to the authority competent for libraries.
import type { Container } from '../../server/container';
import { talk } from '../support/conversation';
import { createTestContainer } from '../support/harness';
import { NOW, announcedReference, contactOf, done } from './helpers';

let container: Container;

beforeAll(async () => {
  container = await createTestContainer();
});
afterAll(async () => {
  await container.close();
});

const chat = () => talk(container.engine, { now: NOW });

describe('library_registration', () => {
  it('registers one adult, with the pricing chosen and the documents to bring', async () => {
    const t = chat()
      .send('je voudrais m’inscrire à la médiathèque')
      .expectReply(/Qui souhaitez-vous inscrire/)
      .send('Marie Durand')
      .expectReply(/Quel tarif/)
      .expectChoices(
        /Moins de 18 ans.*gratuit/,
        /Adulte habitant le Val de Loue — 12 € par an/,
        /Adulte hors territoire — 20 € par an/,
      )
      .choose(/Adulte habitant le Val de Loue/)
      .expectReply(/Comment vous joindre/)
      .send('marie.durand@example.fr')
      .expectReply(/Récapitulatif de l’inscription à la médiathèque/)
      .choose(/Oui, enregistrer/)
      .expectReply(/enregistrée sous la référence DEM-2026-[0-9A-Z]{6}/)
      .expectReply('Communauté de communes du Val de Loue')
      .expectReply(/Tarif : Adulte habitant le Val de Loue, 12 € par an/)
      .expectReply(/présentez à l’accueil :\n- Pièce d'identité/);
    await done(t);

    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request).toMatchObject({
      type: 'library_registration',
      status: 'received',
      authorityId: 'cc-val-de-loue',
      payload: {
        adherents: [{ name: 'Marie Durand' }],
        pricing: { label: 'Adulte habitant le Val de Loue', price: 12 },
        contact: { kind: 'email', value: 'marie.durand@example.fr' },
        documents: [
          "Pièce d'identité",
          'Justificatif de domicile de moins de 3 mois',
          'Autorisation parentale pour les mineurs',
        ],
      },
    });
    expect(request?.contactId).toBe(await contactOf(container, t));
  });

  it('handles "moi et mes 2 enfants": asks the three names and insists on three', async () => {
    const t = chat()
      .send('inscription à la bibliothèque')
      .send('moi et mes 2 enfants')
      .expectReply('3 personnes')
      .expectReply(/prénom et le nom de chaque personne/)
      .send('Marie Durand, Léo Durand')
      .expectReply(/Vous aviez indiqué 3 personnes : donnez 3 noms/)
      .send('Marie, Léo et Emma Durand')
      .expectReply('Marie Durand, Léo Durand, Emma Durand')
      // A tariff per person, as at the desk: an adult and two children do not pay the same.
      .expectReply('Quel tarif pour Marie Durand ? (personne 1 sur 3)')
      .send('adulte habitant le Val de Loue')
      .expectReply(/Adulte habitant le Val de Loue \(12 € par an\)/)
      .expectReply('Quel tarif pour Léo Durand ? (personne 2 sur 3)')
      .choose(/Moins de 18 ans/)
      .expectReply('Quel tarif pour Emma Durand ? (personne 3 sur 3)')
      .send('gratuit')
      .send('06 98 76 54 32')
      .expectReply('Tarif de Marie Durand : Adulte habitant le Val de Loue (12 € par an)')
      .expectReply("Tarif de Léo Durand : Moins de 18 ans, étudiants, demandeurs d'emploi (gratuit)")
      .expectReply('Tarif d’Emma Durand : Moins de 18 ans')
      .expectReply('Total : 12 € par an')
      .choose(/Oui, enregistrer/)
      .expectReply(/\(Marie Durand, Léo Durand, Emma Durand\) est enregistrée sous la référence/)
      .expectReply(/Total : 12 € par an\./);
    await done(t);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request?.payload).toMatchObject({
      adherents: [
        { name: 'Marie Durand', pricing: { label: 'Adulte habitant le Val de Loue', price: 12 } },
        { name: 'Léo Durand', pricing: { price: 0 } },
        { name: 'Emma Durand', pricing: { price: 0 } },
      ],
      total: 12,
      contact: { kind: 'phone', value: '+33698765432' },
    });
    expect(request?.payload.pricing).toBeUndefined();
  });

  it('gives two adults of the same tariff one line and the total per person', async () => {
    const t = chat()
      .send('inscription à la médiathèque')
      .send('Paul Roy et Lina Roy')
      .choose(/Adulte hors territoire/)
      .choose(/Adulte hors territoire/)
      .send('paul.roy@example.fr')
      .expectReply('Total : 40 € par an')
      // A correction naming the person is applied to that person's tariff, and the summary shown again.
      .send('non, Paul a moins de 18 ans')
      .expectReply('Tarif de Paul Roy : Moins de 18 ans')
      .expectReply('Tarif de Lina Roy : Adulte hors territoire')
      .expectReply('Total : 20 € par an')
      .choose(/Non, corriger/)
      .expectChoices('Personnes à inscrire', 'Tarif de Paul Roy', 'Tarif de Lina Roy', /Tout annuler/)
      .choose('Tarif de Lina Roy')
      .expectReply('Quel tarif pour Lina Roy ? (personne 2 sur 2)')
      .choose(/Moins de 18 ans/)
      .expectReply('Total : gratuit')
      .choose(/Non, corriger/)
      .choose('Tarif de Paul Roy')
      .choose(/Adulte hors territoire/)
      .expectReply('Total : 20 € par an')
      .choose(/Oui, enregistrer/)
      .expectReply(/Tarifs : Paul Roy : Adulte hors territoire, 20 € par an ; Lina Roy : Moins de 18 ans/);
    await done(t);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request?.payload).toMatchObject({ total: 20 });
  });

  it('asks every tariff again when the people change', async () => {
    await done(
      chat()
        .send('inscription à la médiathèque')
        .send('Paul Roy')
        .choose(/Adulte hors territoire/)
        .send('paul.roy@example.fr')
        .choose(/Non, corriger/)
        .choose('Personnes à inscrire')
        .send('Paul Roy, Lina Roy')
        .expectReply('Quel tarif pour Paul Roy ? (personne 1 sur 2)'),
    );
  });

  it('takes a correction of the contact at the summary', async () => {
    const t = chat()
      .send('je veux une carte de médiathèque')
      .send('Paul Lefèvre')
      .choose(/Adulte hors territoire/)
      .send('paul@example.fr')
      .expectReply('Contact : paul@example.fr')
      .send('non, c’est paul.lefevre@example.org')
      .expectReply('Contact : paul.lefevre@example.org')
      .choose(/Oui, enregistrer/);
    await done(t);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request?.payload).toMatchObject({
      contact: { value: 'paul.lefevre@example.org' },
      pricing: { price: 20 },
    });
  });

  it('lets the citizen change one answer through "Non, corriger"', async () => {
    const t = chat()
      .send('inscription médiathèque')
      .send('Chloé Martin')
      .choose(/Adulte habitant/)
      .send('chloe@example.fr')
      .choose(/Non, corriger/)
      .expectChoices('Tarif', /Tout annuler/)
      .choose('Tarif')
      .choose(/Moins de 18 ans/)
      .expectReply(/Tarif : Moins de 18 ans/)
      .choose(/Oui, enregistrer/)
      .expectReply(/gratuit/);
    await done(t);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request?.payload).toMatchObject({ pricing: { price: 0 } });
  });

  it('cancels on request and records nothing', async () => {
    const t = chat()
      .send('je veux m’inscrire à la médiathèque')
      .send('Marie Durand')
      .expectReply(/Quel tarif/)
      .send('laisse tomber')
      .expectReply(/annulé, rien n’a été enregistré/);
    await done(t);
    await expect(
      container.store.listRequestsForContact('val-de-loue', await contactOf(container, t), 5),
    ).resolves.toEqual([]);
  });

  it('answers an opening-hours question in the middle, then resumes', async () => {
    const t = chat()
      .send('je voudrais m’inscrire à la médiathèque')
      .send('Julie Blanc')
      .expectReply(/Quel tarif/)
      .send('au fait la déchetterie ouvre quand ?')
      .expectReply(/déchetterie/i)
      .expectReply(/Reprenons l’inscription à la médiathèque/)
      .expectReply(/Quel tarif/)
      .choose(/Moins de 18 ans/)
      .send('julie@example.fr')
      .choose(/Oui, enregistrer/)
      .expectReply(/enregistrée sous la référence/);
    await done(t);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request?.payload).toMatchObject({ adherents: [{ name: 'Julie Blanc' }] });
  });
});
