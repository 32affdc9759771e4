// Reporting a problem in public space, as scripts: the form, the national address API (nock, recorded
// GeoCodeJSON), routing to the competent authority, duplicate detection and a geocoder that is down.
import nock from 'nock';
import type { Container } from '../../server/container';
import { talk } from '../support/conversation';
import {
  BAN_API,
  LILAS_12,
  LILAS_PARIS,
  PASTEUR,
  VERNIERE_EGLISE,
  banSearch,
  featureCollection,
  type BanAddress,
} from './ban-fixtures';
import { NOW, announcedReference, contactOf, done, withClosedNetworkContainer } from './helpers';

let container: Container;
withClosedNetworkContainer((c) => (container = c));

const chat = (channel: 'webchat' | 'sms' = 'webchat') =>
  talk(container.engine, {
    now: NOW,
    channel,
    ...(channel === 'sms' ? { address: `+336${Date.now().toString().slice(-8)}` } : {}),
  });

/** An address of Montcey-sur-Loue far (> 1 km) from the others, so tests do not see each other's reports. */
const montcey = (label: string, lat: number, lon: number): BanAddress => ({
  ...LILAS_12,
  label: `${label} 25971 Montcey-sur-Loue`,
  lat,
  lon,
});

describe('report_incident', () => {
  it('records a pothole reported in one sentence, with photo and contact, routed to the commune', async () => {
    const search = banSearch('12 rue des Lilas', LILAS_12);
    const t = chat()
      .send('il y a un nid de poule devant le 12 rue des Lilas')
      .expectReply(/Voirie/)
      .expectReply('12 Rue des Lilas 25971 Montcey-sur-Loue')
      .expectReply(/Décrivez le problème/)
      .send('Un trou profond au milieu de la chaussée')
      .expectReply(/photo/i)
      .send('voici', {
        media: [{ url: 'https://media.example/nid-de-poule.jpg', contentType: 'image/jpeg' }],
      })
      .expectReply(/informé du traitement/)
      .send('jean.dupont@example.fr')
      .expectReply(/Récapitulatif de votre signalement/)
      .expectReply('Photo : photo jointe')
      .choose(/Oui, enregistrer/)
      .expectReply(/enregistré sous la référence DEM-2026-[0-9A-Z]{6}/)
      .expectReply('Mairie de Montcey-sur-Loue');
    await done(t);
    expect(search.isDone()).toBe(true);

    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request).toMatchObject({
      type: 'report_incident',
      status: 'received',
      authorityId: 'commune-montcey-sur-loue',
      communeId: 'montcey-sur-loue',
      channel: 'webchat',
      addressText: '12 rue des Lilas',
      needsGeocoding: false,
      location: { lat: LILAS_12.lat, lon: LILAS_12.lon, label: LILAS_12.label },
      payload: {
        category: 'voirie',
        description: 'Un trou profond au milieu de la chaussée',
        photo: { url: 'https://media.example/nid-de-poule.jpg', contentType: 'image/jpeg' },
        contact: { kind: 'email', value: 'jean.dupont@example.fr' },
        geocoding: 'ok',
      },
    });
    expect(request?.events.map((e) => e.status)).toEqual(['received']);
    expect(request?.contactId).toBe(await contactOf(container, t));
  });

  it('routes fly-tipping to the intercommunalité, from a shared position and a chosen commune', async () => {
    const t = chat()
      .send('je veux signaler un dépôt sauvage de déchets')
      .expectReply(/Où se situe le problème/)
      .check((r) => expect(r.replies.some((x) => x.type === 'location_request')).toBe(true))
      .send('', { location: { lat: 47.1192, lon: 6.0711 } })
      .expectReply(/Dans quelle commune/)
      .choose('Vernière')
      .expectReply(/Décrivez le problème/)
      .send('Des sacs poubelle et un vieux matelas au bord du chemin')
      .send('non')
      .send('non')
      .expectReply(/position partagée \(47\.11920, 6\.07110\)/)
      .choose(/Oui, enregistrer/)
      .expectReply('Communauté de communes du Val de Loue');
    await done(t);

    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request).toMatchObject({
      authorityId: 'cc-val-de-loue',
      communeId: 'verniere',
      location: { lat: 47.1192, lon: 6.0711 },
      needsGeocoding: false,
      payload: { category: 'proprete', geocoding: 'shared' },
    });
    expect(request?.payload.contact).toBeUndefined();
    expect(request?.payload.photo).toBeUndefined();
  });

  it('names a shared position with the nearest address and takes its commune from it (no commune question)', async () => {
    const reverse = nock(BAN_API)
      .get('/reverse/')
      .query({ lon: '6.0852', lat: '47.1301', limit: '1' })
      .reply(200, featureCollection('', { ...VERNIERE_EGLISE, lat: 47.13011, lon: 6.08518 }));
    const t = chat()
      .send('je veux signaler un dépôt sauvage de déchets')
      .expectReply(/Où se situe le problème/)
      .send('', { location: { lat: 47.1301, lon: 6.0852 } })
      .expectReply(`C’est noté : ${VERNIERE_EGLISE.label}`)
      .expectReply(/Décrivez le problème/)
      .send('Des gravats au bord du chemin')
      .send('non')
      .send('non')
      .expectReply(VERNIERE_EGLISE.label)
      .choose(/Oui, enregistrer/);
    await done(t);
    expect(reverse.isDone()).toBe(true);

    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    // The pin is where the citizen put it; the address only names it.
    expect(request).toMatchObject({ communeId: 'verniere', location: { lat: 47.1301, lon: 6.0852 } });
  });

  it('takes a correction at the summary ("non, c’est rue Pasteur") and geocodes the new address in the same commune', async () => {
    const first = montcey('8 Rue des Tanneurs', 47.091, 6.041);
    banSearch('8 rue des Tanneurs', first);
    const corrected = banSearch('rue Pasteur', PASTEUR, { citycode: '25971' });
    const t = chat()
      .send('le lampadaire est éteint au 8 rue des Tanneurs')
      .send('Il ne s’allume plus depuis lundi')
      .send('non')
      .send('non')
      .expectReply('8 Rue des Tanneurs 25971 Montcey-sur-Loue')
      .send('non, c’est rue Pasteur')
      .expectReply('Lieu : Rue Pasteur 25971 Montcey-sur-Loue')
      .expectNoReply('Tanneurs')
      .choose(/Oui, enregistrer/)
      .expectReply(/enregistré sous la référence/);
    await done(t);
    expect(corrected.isDone()).toBe(true);

    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request).toMatchObject({
      addressText: 'rue Pasteur',
      location: { lat: PASTEUR.lat, lon: PASTEUR.lon },
      payload: { category: 'eclairage', description: 'Il ne s’allume plus depuis lundi' },
    });
  });

  it('cancels on request: nothing is recorded, and a later "oui" submits nothing', async () => {
    banSearch('4 rue de la Loue', montcey('4 Rue de la Loue', 47.081, 6.031));
    const t = chat()
      .send('un banc cassé au 4 rue de la Loue')
      .expectReply(/Décrivez le problème/)
      .send('annuler')
      .expectReply(/annulé, rien n’a été enregistré/)
      .send('oui')
      .expectNoReply(/référence DEM-/);
    await done(t);
    await expect(
      container.store.listRequestsForContact('val-de-loue', await contactOf(container, t), 5),
    ).resolves.toEqual([]);
  });

  it('answers an opening-hours question in the middle, then resumes the form where it was', async () => {
    banSearch('2 chemin des Vignes', montcey('2 Chemin des Vignes', 47.071, 6.021));
    const t = chat()
      .send('il y a un tag sur le mur au 2 chemin des Vignes')
      .expectReply(/Décrivez le problème/)
      .send('au fait la déchetterie ouvre quand ?')
      .expectReply(/déchetterie/i)
      .expectReply(/Reprenons votre signalement/)
      .expectReply(/Décrivez le problème/)
      .send('Un grand tag noir sur le mur de l’école')
      .send('non')
      .send('non')
      .choose(/Oui, enregistrer/)
      .expectReply(/enregistré sous la référence/);
    await done(t);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request?.payload).toMatchObject({
      category: 'graffiti',
      description: 'Un grand tag noir sur le mur de l’école',
    });
  });

  it('offers an open report of the same category within 50 m: "oui" follows it, no new request', async () => {
    banSearch('20 rue des Lilas', montcey('20 Rue des Lilas', 47.031, 5.981));
    const first = chat()
      .send('trottoir défoncé au 20 rue des Lilas')
      .send('Le trottoir est soulevé par des racines')
      .send('non')
      .send('non')
      .choose(/Oui, enregistrer/);
    await done(first);
    const existing = announcedReference(first);

    // 22 is about 15 m from 20.
    banSearch('22 rue des Lilas', montcey('22 Rue des Lilas', 47.03113, 5.98105));
    const second = chat()
      .send('nid de poule au 22 rue des Lilas')
      .expectReply(/déjà été signalé/)
      .expectChoices(`Oui, suivre ${existing}`, /Non, c’est un autre problème/)
      .choose(/Oui, suivre/)
      .expectNoReply(/Décrivez le problème/)
      .send('non')
      .expectReply(`Signalement existant : suivre ${existing}`)
      .choose(/Oui, enregistrer/)
      .expectReply(`vous serez tenu informé du traitement du signalement ${existing}`)
      .expectReply('Aucun nouveau signalement');
    await done(second);

    const followed = await container.store.listRequestsForContact(
      'val-de-loue',
      await contactOf(container, second),
      5,
    );
    expect(followed.map((r) => r.reference)).toEqual([existing]);
    expect(followed[0]?.contactId).toBe(await contactOf(container, first));
  });

  it('creates a new report anyway when the citizen says it is a different problem', async () => {
    const spot = montcey('1 Place de la Mairie', 47.061, 6.011);
    banSearch('1 place de la Mairie', spot);
    const first = chat()
      .send('fuite d’eau au 1 place de la Mairie')
      .send('De l’eau coule en permanence')
      .send('non')
      .send('non')
      .choose(/Oui, enregistrer/);
    await done(first);
    const existing = announcedReference(first);

    banSearch('1 place de la Mairie', spot);
    const second = chat()
      .send('il y a une fuite d’eau 1 place de la Mairie')
      .expectReply(/déjà été signalé/)
      .choose(/Non, c’est un autre problème/)
      .expectReply(/Décrivez le problème/)
      .send('La canalisation sous le trottoir est cassée')
      .send('non')
      .send('non')
      .choose(/Oui, enregistrer/)
      .expectReply(/enregistré sous la référence/);
    await done(second);
    const created = announcedReference(second);
    expect(created).not.toBe(existing);
    const request = await container.store.getRequestByReference('val-de-loue', created);
    // Water is an intercommunal competence in the demo territory.
    expect(request).toMatchObject({ authorityId: 'cc-val-de-loue', payload: { category: 'eau' } });
  });

  it('does not offer a nearby report of another category', async () => {
    const spot = montcey('6 Rue du Moulin', 47.051, 6.001);
    banSearch('6 rue du Moulin', spot);
    await done(
      chat()
        .send('lampadaire en panne au 6 rue du Moulin')
        .send('Il clignote')
        .send('non')
        .send('non')
        .choose(/Oui, enregistrer/),
    );

    banSearch('6 rue du Moulin', spot);
    await done(
      chat()
        .send('un graffiti au 6 rue du Moulin')
        .expectNoReply(/déjà été signalé/)
        .expectReply(/Décrivez le problème/),
    );
  });

  it('still records the report when the address API is down (5xx): flagged needsGeocoding, commune asked', async () => {
    const down = nock(BAN_API)
      .get('/search/')
      .query({ q: '9 rue des Lilas', limit: '1' })
      .reply(503, '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
    const t = chat()
      .send('nid de poule au 9 rue des Lilas')
      .expectReply(/Dans quelle commune/)
      .choose('Montcey-sur-Loue')
      .expectReply(/Décrivez le problème/)
      .send('Trou dangereux')
      .send('non')
      .send('non')
      .expectReply('Lieu : 9 rue des Lilas, Montcey-sur-Loue')
      .choose(/Oui, enregistrer/)
      .expectReply(/enregistré sous la référence/)
      .expectReply(/L’adresse sera localisée par nos services/);
    await done(t);
    expect(down.isDone()).toBe(true);

    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request).toMatchObject({
      needsGeocoding: true,
      addressText: '9 rue des Lilas',
      authorityId: 'commune-montcey-sur-loue',
      communeId: 'montcey-sur-loue',
      payload: { geocoding: 'unavailable' },
    });
    expect(request?.location).toBeUndefined();
  });

  it('does not wait for a slow address API: the report goes through with needsGeocoding', async () => {
    // Longer than the default 2 s deadline (GEOCODER_TIMEOUT_MS).
    nock(BAN_API).get('/search/').query(true).delay(6000).reply(200, {});
    const t = chat()
      .send('lampadaire cassé au 3 place de l’Église à Vernière')
      .expectReply(/Décrivez le problème/)
      .send('Le globe est brisé')
      .send('non')
      .send('non')
      .choose(/Oui, enregistrer/)
      .expectReply(/enregistré sous la référence/);
    await done(t);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request).toMatchObject({
      needsGeocoding: true,
      communeId: 'verniere',
      authorityId: 'commune-verniere',
    });
  });

  it('asks the commune when a national search finds the street in another town, then searches within it', async () => {
    banSearch('12 rue des Lilas', LILAS_PARIS);
    const within = banSearch(
      '12 rue des Lilas',
      { ...VERNIERE_EGLISE, label: '12 Rue des Lilas 25972 Vernière', lat: 47.131, lon: 6.081 },
      { citycode: '25972' },
    );
    const t = chat()
      .send('panneau stop arraché au 12 rue des Lilas')
      .expectNoReply('Paris')
      .expectReply(/Dans quelle commune/)
      .choose('Vernière')
      .send('Le panneau est par terre')
      .send('non')
      .send('non')
      .expectReply('Lieu : 12 Rue des Lilas 25972 Vernière')
      .choose(/Oui, enregistrer/);
    await done(t);
    expect(within.isDone()).toBe(true);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request).toMatchObject({
      communeId: 'verniere',
      authorityId: 'commune-verniere',
      payload: { category: 'signalisation', geocoding: 'ok' },
    });
  });

  it('works by SMS: numbered choices, no photo or contact question (the number is known)', async () => {
    banSearch('5 rue du Moulin', montcey('5 Rue du Moulin', 47.041, 5.991));
    const t = chat('sms')
      .send('signaler un probleme')
      .expectReply(/1\. /)
      .send('2')
      .expectReply(/Où se situe le problème/)
      .send('5 rue du Moulin')
      .expectReply(/Décrivez le problème/)
      .send('lampe grillee')
      .expectNoReply(/photo/i)
      .expectReply(/Récapitulatif/)
      .send('oui')
      .expectReply(/enregistré sous la référence/);
    await done(t);
    const request = await container.store.getRequestByReference('val-de-loue', announcedReference(t));
    expect(request).toMatchObject({
      channel: 'sms',
      payload: { category: 'eclairage', description: 'lampe grillee' },
    });
  });
});
