// Following a request: by reference (typed loosely), only for the citizen who made it or follows it (same phone
// number, same web chat conversation), within the tenant; anyone else typing the reference learns nothing (issue 16:
// references were enumerable and the card showed agents' notes). Without a reference, the contact's latest
// requests as choices.
import nock from 'nock';
import type { Container } from '../../server/container';
import { talk } from '../support/conversation';
import { createTestContainer } from '../support/harness';
import { LILAS_12, banSearch } from './ban-fixtures';
import { rows } from '../backoffice/support';
import { NOW, announcedReference, done } from './helpers';

let container: Container;
/** A pothole reported by SMS, and a library registration made on the web chat. */
let smsReport: string;
let libraryRequest: string;
let libraryChatAddress: string;

beforeAll(async () => {
  nock.disableNetConnect();
  container = await createTestContainer();
  banSearch('12 rue des Lilas', LILAS_12);
  const sms = talk(container.engine, { now: NOW, channel: 'sms', address: '+33611000001' })
    .send('nid de poule au 12 rue des Lilas')
    .send('Trou profond devant la boulangerie')
    .send('oui');
  await done(sms);
  smsReport = announcedReference(sms);

  const web = talk(container.engine, { now: NOW })
    .send('je veux m’inscrire à la médiathèque')
    .send('Marie Durand')
    .choose(/Adulte habitant/)
    .send('marie@example.fr')
    .choose(/Oui, enregistrer/);
  await done(web);
  libraryRequest = announcedReference(web);
  libraryChatAddress = web.options.address;
});
afterAll(async () => {
  await container.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

const chat = (address?: string) => talk(container.engine, { now: NOW, ...(address ? { address } : {}) });
/** The citizen who reported the pothole, writing again from the same phone. */
const reporter = () => talk(container.engine, { now: NOW, channel: 'sms', address: '+33611000001' });
/** What someone who is not the requester is told: the same whether the reference exists or not. */
const NOT_HERE = /Je ne peux pas vous donner le suivi de la demande/;

describe('request_status', () => {
  it('gives the requester, writing from the same phone, the status, dated history and next step', async () => {
    await done(
      reporter()
        .send(`Bonjour, où en est ma demande ${smsReport} ?`)
        .expectReply(`Demande ${smsReport}`)
        .expectReply(/Objet : Signalement d'un problème sur l'espace public — Voirie .*\(Montcey-sur-Loue\)/)
        .expectReply('Statut : reçue')
        .expectReply(/Historique : \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} : reçue/)
        .expectReply('Prochaine étape : Elle va être examinée par : Mairie de Montcey-sur-Loue.'),
    );
  });

  it('tells a fresh web chat or another phone nothing about someone else’s request', async () => {
    for (const stranger of [
      chat(),
      talk(container.engine, { now: NOW, channel: 'sms', address: '+33699000002' }),
    ]) {
      await done(
        stranger
          .send(`suivi ${smsReport}`)
          .expectReply(NOT_HERE)
          .expectReply(/Écrivez-nous depuis celui ou celle utilisé pour la déposer/)
          .expectNoReply('Statut')
          .expectNoReply('reçue')
          .expectNoReply('Lilas')
          .expectNoReply('Trou profond')
          .expectNoReply('+33611000001'),
      );
    }
  });

  it('never shows an agent’s internal note, even to the requester', async () => {
    const [request] = await rows<{ id: string }>(container, 'SELECT id FROM requests WHERE reference = $1', [
      smsReport,
    ]);
    await rows(
      container,
      `INSERT INTO request_events (request_id, kind, status, note, actor) VALUES ($1, 'note', 'received', $2, 'agent:test')`,
      [request!.id, 'M. Martin, 12 rue des Lilas, rappelle souvent'],
    );
    await done(
      reporter()
        .send(`où en est ${smsReport} ?`)
        .expectReply('Statut : reçue')
        .expectNoReply('Martin')
        .expectNoReply('rappelle souvent'),
    );
  });

  it('accepts a loosely typed reference ("dem 2026 7k3 m9p")', async () => {
    const [, year, code] = /DEM-(\d{4})-([0-9A-Z]{6})/.exec(smsReport) ?? [];
    await done(
      reporter()
        .send(`suivi dem ${year} ${code!.slice(0, 3).toLowerCase()} ${code!.slice(3).toLowerCase()}`)
        .expectReply(`Demande ${smsReport}`),
    );
  });

  it('makes references that cannot be guessed from one another', () => {
    expect(smsReport).toMatch(/^DEM-\d{4}-[2-9A-HJKMNP-Z]{6}$/);
    expect(libraryRequest).toMatch(/^DEM-\d{4}-[2-9A-HJKMNP-Z]{6}$/);
    expect(libraryRequest.slice(-6)).not.toBe(smsReport.slice(-6));
  });

  it('answers in English with English status words', async () => {
    await done(
      chat(libraryChatAddress)
        .send(`What is the status of my request ${libraryRequest}?`)
        .expectReply(`Request ${libraryRequest}`)
        .expectReply('Status : received')
        .expectReply(/Next step : It will be reviewed by: Communauté de communes du Val de Loue\./),
    );
  });

  it('does not find another tenant’s reference', async () => {
    banSearch(
      '3 rue des Palmiers',
      {
        ...LILAS_12,
        label: '3 Rue des Palmiers 97399 Pointe-aux-Hérons',
        citycode: '97399',
        postcode: '97399',
        city: 'Pointe-aux-Hérons',
        lat: 5.1,
        lon: -52.6,
      },
      { citycode: '97399' },
    );
    const elsewhere = talk(container.engine, { now: NOW, tenantId: 'autre-commune' })
      .send('lampadaire en panne au 3 rue des Palmiers')
      .send('Il ne s’allume plus')
      .send('non')
      .send('non')
      .choose(/Oui, enregistrer/);
    await done(elsewhere);
    const foreign = announcedReference(elsewhere);

    await done(
      chat(elsewhere.options.address)
        .send(`où en est ma demande ${foreign} ?`)
        .expectReply(NOT_HERE)
        .expectNoReply('Statut'),
    );
    await done(
      talk(container.engine, { now: NOW, tenantId: 'autre-commune', address: elsewhere.options.address })
        .send(`où en est ma demande ${foreign} ?`)
        .expectReply('Statut : reçue'),
    );
  });

  it('without a reference, offers the contact’s latest requests as choices', async () => {
    await done(
      chat(libraryChatAddress)
        .send('je voudrais suivre ma demande')
        .expectReply(/Quelle demande voulez-vous suivre/)
        // The date is the store's creation time (its clock, not the scripted one).
        .expectChoices(
          new RegExp(`^${libraryRequest} — Inscription à la médiathèque, \\d{2}/\\d{2}/\\d{4} \\(reçue\\)$`),
          /Une autre demande/,
        )
        .choose(new RegExp(libraryRequest))
        .expectReply(`Demande ${libraryRequest}`)
        .expectReply('Statut : reçue'),
    );
  });

  it('asks for the reference when the contact has no request, and explains its shape after a typo', async () => {
    await done(
      reporter()
        .send('où en est mon signalement ?')
        .expectReply(/Quelle demande voulez-vous suivre/)
        .choose(/Une autre demande/)
        .expectReply(/Quelle est la référence de votre demande/)
        .send('2026 12')
        .expectReply(/Je ne reconnais pas cette référence/)
        .send(smsReport)
        .expectReply(`Demande ${smsReport}`),
    );
  });

  it('takes a corrected reference after a wrong one', async () => {
    await done(
      chat(libraryChatAddress)
        .send('où en est ma demande DEM-2026-ZZZZZZ ?')
        .expectReply(NOT_HERE)
        .send(`pardon, c’est ${libraryRequest}`)
        .expectReply(`Demande ${libraryRequest}`),
    );
  });

  it('drops the pending question on cancel', async () => {
    await done(
      chat()
        .send('suivre ma demande')
        .expectReply(/Quelle est la référence/)
        .send('annuler')
        .expectNoReply(/référence/)
        .send('123456')
        .expectNoReply(/Je ne reconnais pas cette référence/),
    );
  });

  it('answers a digression, then takes the reference', async () => {
    await done(
      chat(libraryChatAddress)
        .send('suivre ma demande')
        .expectReply(/Quelle demande voulez-vous suivre/)
        .choose(/Une autre demande/)
        .expectReply(/Quelle est la référence/)
        .send('au fait la déchetterie ouvre quand ?')
        .expectReply(/déchetterie/i)
        .send(libraryRequest)
        .expectReply(`Demande ${libraryRequest}`),
    );
  });

  it('gives the latest requests as text when asked in the middle of a form, then resumes it', async () => {
    await done(
      chat(libraryChatAddress)
        .send('je veux signaler un problème')
        .expectReply(/Quel type de problème/)
        .send('où en est ma demande ?')
        .expectReply(new RegExp(`Vos dernières demandes : ${libraryRequest}`))
        .expectReply(/Reprenons votre signalement/)
        .expectReply(/Quel type de problème/),
    );
  });
});
