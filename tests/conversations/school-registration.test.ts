// School registration (maternelle / élémentaire) as scripts: the form, the sector school, documents to
// bring, age checks, collège/lycée redirected elsewhere, and the request in the store.
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

describe('school_registration', () => {
  it('registers a child in CP, names the sector school and lists the documents', async () => {
    const t = chat()
      .send('je voudrais inscrire mon fils à l’école')
      .expectReply(/prénom et le nom de l’enfant/)
      .send('Lucas Martin')
      .expectReply(/date de naissance/)
      .send('12/03/2020')
      .expectReply(/En quelle classe/)
      .expectChoices('Petite section', 'CP', 'CM2')
      .choose('CP')
      .expectReply(/adresse/)
      .send('3 rue du Moulin')
      .expectReply(/prénom et le nom du parent ou du responsable légal/)
      .send('Julie Martin')
      .expectReply(/Comment joindre le parent/)
      .send('06 12 34 56 78')
      .expectReply(/Récapitulatif de l’inscription scolaire/)
      .expectReply('Date de naissance : 12/03/2020')
      .expectReply('Responsable légal : Julie Martin')
      .expectReply('Adresse : 3 rue du Moulin, Montcey-sur-Loue')
      .choose(/Oui, enregistrer/)
      .expectReply(/enregistrée sous la référence DEM-2026-[0-9A-Z]{6}/)
      .expectReply('École de secteur : École élémentaire Louis-Pasteur')
      .expectReply(/Documents à fournir :\n- Livret de famille/)
      .expectReply('Justificatif de domicile');
    await done(t);

    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request).toMatchObject({
      type: 'school_registration',
      status: 'received',
      authorityId: 'commune-montcey-sur-loue',
      communeId: 'montcey-sur-loue',
      addressText: '3 rue du Moulin',
      payload: {
        child: { firstName: 'Lucas', lastName: 'Martin', birthDate: '2020-03-12' },
        guardian: { firstName: 'Julie', lastName: 'Martin' },
        level: { id: 'cp', label: 'CP', cycle: 'elementaire' },
        school: 'École élémentaire Louis-Pasteur',
        parentContact: { kind: 'phone', value: '+33612345678' },
      },
    });
    expect(request?.contactId).toBe(await contactOf(container, t));
  });

  it('understands "12 mars 2022" and "MARTIN Emma", and picks the maternelle of the sector', async () => {
    const t = chat()
      .send('inscription scolaire pour ma fille')
      .send('MARTIN Emma')
      .expectReply('Emma Martin')
      .send('elle est née le 12 mars 2023')
      .expectReply('12/03/2023')
      .send('petite section')
      .send('12 rue des Tanneurs')
      .send('Paul Martin')
      .send('parent.martin@example.fr')
      .choose(/Oui, enregistrer/)
      .expectReply('École maternelle Les Coquelicots');
    await done(t);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request?.payload).toMatchObject({
      child: { firstName: 'Emma', lastName: 'Martin', birthDate: '2023-03-12' },
      level: { id: 'ps' },
    });
  });

  it('routes a child of Vernière to the Vernière town hall and its school', async () => {
    const t = chat()
      .send('je veux inscrire mon enfant à l’école')
      .send('Léa Bernard')
      .send('05/09/2021')
      .send('grande section')
      .send('5 rue de l’Église à Vernière')
      .send('Marc Bernard')
      .send('0611223344')
      .choose(/Oui, enregistrer/)
      .expectReply('Mairie de Vernière')
      .expectReply('École primaire de Vernière');
    await done(t);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request).toMatchObject({ authorityId: 'commune-verniere', communeId: 'verniere' });
  });

  it('takes a correction at the summary ("non, c’est rue Pasteur")', async () => {
    const t = chat()
      .send('inscrire mon fils à l’école')
      .send('Hugo Petit')
      .send('01/02/2019')
      .send('CE1')
      .send('3 rue du Moulin')
      .send('Anne Petit')
      .send('hugo.parent@example.fr')
      .expectReply('Adresse : 3 rue du Moulin, Montcey-sur-Loue')
      .send('non, c’est rue Pasteur')
      .expectReply('Adresse : rue Pasteur, Montcey-sur-Loue')
      .choose(/Oui, enregistrer/)
      // rue Pasteur is in no sector of the demo map: the town hall will say which school.
      .expectReply('La mairie vous indiquera l’école de secteur');
    await done(t);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request).toMatchObject({ addressText: 'rue Pasteur', communeId: 'montcey-sur-loue' });
    expect(request?.payload.school).toBeUndefined();
  });

  it('re-asks with a reason when the child is too young, and offers the class of the year of birth', async () => {
    await done(
      chat()
        .send('inscrire mon enfant à l’école')
        .send('Nina Roux')
        .send('01/01/2026')
        .expectReply(/à partir de 2 ou 3 ans/)
        .send('01/01/2023')
        .expectReply(/En quelle classe/)
        .choose('CM2')
        .expectReply(
          'Avec une naissance en 2023, Nina entre normalement en Petite section à la rentrée 2026 ; la classe CM2 accueille les enfants nés en 2016.',
        )
        .expectChoices('Oui, maintenir CM2', 'Inscrire en Petite section', 'Corriger la date de naissance')
        .choose('Inscrire en Petite section')
        .expectReply(/adresse/)
        .send('3 rue du Moulin')
        .send('Luc Roux')
        .send('06 12 34 56 78')
        .expectReply('Classe : Petite section')
        .expectNoReply('hors âge'),
    );
  });

  it('checks the class against the year of birth at the next rentrée, and keeps an exception the parent confirms', async () => {
    const t = chat()
      .send('inscrire ma fille à l’école')
      .send('Jade Leroy')
      .send('15/02/2021')
      .send('CP')
      // Born in 2021: grande section at the rentrée 2026, CP is for children born in 2020.
      .expectReply(/Avec une naissance en 2021, Jade entre normalement en Grande section à la rentrée 2026/)
      .expectReply(/maintenir la demande en CP/)
      .send('oui')
      .expectReply(/adresse/)
      .send('3 rue du Moulin')
      .send('Sophie Leroy')
      .send('sophie.leroy@example.fr')
      .expectReply('Classe hors âge : CP demandé malgré l’âge (dérogation)')
      .choose(/Oui, enregistrer/)
      .expectReply(/enregistrée sous la référence/);
    await done(t);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request?.payload).toMatchObject({
      level: { id: 'cp', exception: true, rentree: 2026, expected: 'gs' },
      guardian: { firstName: 'Sophie', lastName: 'Leroy' },
    });
  });

  it('asks again about the class when the birth date is corrected at the summary', async () => {
    await done(
      chat()
        .send('inscrire mon fils à l’école')
        .send('Noé Garcia')
        .send('10/06/2020')
        .send('CP')
        .send('3 rue du Moulin')
        .send('Ana Garcia')
        .send('06 22 33 44 55')
        .expectReply('Date de naissance : 10/06/2020')
        .send('non, il est né le 10/06/2019')
        .expectReply(/Avec une naissance en 2019, Noé entre normalement en CE1 à la rentrée 2026/)
        .choose('Inscrire en CE1')
        .expectReply('Classe : CE1')
        .expectReply('Date de naissance : 10/06/2019'),
    );
  });

  it('asks the guardian’s name: a sentence is not a name', async () => {
    await done(
      chat()
        .send('inscrire mon fils à l’école')
        .send('Tim Blanc')
        .send('10/06/2020')
        .send('CP')
        .send('3 rue du Moulin')
        .expectReply(/responsable légal/)
        .send('c’est moi la maman')
        .expectReply(/prénom puis le nom/)
        .send('Léa Blanc')
        .expectReply(/Comment joindre le parent/),
    );
  });

  it('explains that collège is handled elsewhere and creates no request', async () => {
    const t = chat()
      .send('je veux inscrire ma fille au collège en 6e')
      .expectReply(/Département/)
      .expectReply('https://www.service-public.fr/particuliers/vosdroits/N20')
      .expectReply(/de la petite section au CM2/)
      .expectNoReply(/prénom et le nom/);
    await done(t);
    await expect(
      container.store.listRequestsForContact('val-de-loue', await contactOf(container, t), 5),
    ).resolves.toEqual([]);
  });

  it('explains collège when the child is too old for primary school', async () => {
    await done(
      chat()
        .send('inscrire mon fils à l’école')
        .send('Tom Garnier')
        .send('10/10/2013')
        .expectReply(/À 12 ans, l’enfant va au collège/)
        .expectReply(/Département/),
    );
  });

  it('cancels on request and records nothing', async () => {
    const t = chat()
      .send('inscription à l’école pour mon fils')
      .send('Paul Durand')
      .expectReply(/date de naissance/)
      .send('annuler')
      .expectReply(/annulé, rien n’a été enregistré/);
    await done(t);
    await expect(
      container.store.listRequestsForContact('val-de-loue', await contactOf(container, t), 5),
    ).resolves.toEqual([]);
  });

  it('answers an opening-hours question in the middle, then resumes at the same question', async () => {
    const t = chat()
      .send('je veux inscrire mon fils à l’école')
      .send('Lucas Moreau')
      .expectReply(/date de naissance/)
      .send('au fait la déchetterie ouvre quand ?')
      .expectReply(/déchetterie/i)
      .expectReply(/Reprenons l’inscription scolaire/)
      .expectReply(/date de naissance/)
      .send('12/03/2022')
      .send('moyenne section')
      .send('rue de la Loue')
      .send('Claire Moreau')
      .send('07 11 22 33 44')
      .choose(/Oui, enregistrer/)
      .expectReply(/enregistrée sous la référence/);
    await done(t);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request?.payload).toMatchObject({
      child: { firstName: 'Lucas', lastName: 'Moreau' },
      level: { id: 'ms' },
      school: 'École maternelle Les Coquelicots',
    });
  });
});
